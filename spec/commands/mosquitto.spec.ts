/**
 * Commands over mosquitto, MQTT 3.1.1 and MQTT 5: the simulator serves them
 * as an ordinary MQTT 5 client, so an MQTT 5 device gets the content type and
 * the execution timeout as message properties, as AWS sends them. Skipped
 * with a message when mosquitto is absent (required under `.ci/run`).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { Commands } from '../../lib/commands/commands.js';
import { Thing } from '../../lib/thing.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { PROTOCOLS } from '../reliability/mosquitto.js';
import { connectDevice, describeWithMosquitto, type MosquittoDevice } from '../reliability/mosquitto-env.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;
let counter = 0;

describeWithMosquitto('Commands over mosquitto', (broker) => {
  let simulator: JobsSimulator;
  let device: MosquittoDevice | undefined;
  let commands: Commands | undefined;
  let thingName: string;

  beforeEach(async () => {
    counter += 1;
    thingName = `cmd-${RUN}-${counter}`;
    simulator = new JobsSimulator({ autoCreateThings: true });
    await simulator.attachToBroker(broker.url, { clientId: `cmd-sim-${RUN}-${counter}` });
  });

  afterEach(async () => {
    await commands?.close();
    await device?.end();
    await simulator.close();
    commands = device = undefined;
  });

  describe.each(PROTOCOLS)('%s', (protocol) => {
    test('a generic command round trip; MQTT 5 carries the content type and the timeout', async () => {
      device = await connectDevice(broker.url, protocol, { clientId: thingName });
      commands = new Commands(new Thing(thingName, device.connection), { formats: ['generic'] });
      await commands.ready;
      const { commands: service } = simulator;
      const { commandArn } = service.createCommand({ commandId: `text-${counter}`, payload: { content: new TextEncoder().encode('hello'), contentType: 'text/plain' } });
      const targetArn = service.thingArn(thingName);
      const { executionId } = service.startCommandExecution({ commandArn, targetArn, executionTimeoutSeconds: 30 });
      const execution = await commands.next({ timeoutMs: 10_000 });
      expect(execution.executionId).toBe(executionId);
      expect(execution.payload.toString()).toBe('hello');
      if (protocol === 'MQTT 5 (mqtt.js v5)') {
        expect(execution.contentType).toBe('text/plain');
        // mosquitto passes on what is left of the expiry interval.
        expect(execution.timeoutMs).toBeGreaterThanOrEqual(28_000);
        expect(execution.timeoutMs).toBeLessThanOrEqual(30_000);
      } else {
        expect(execution.contentType).toBeUndefined();
        expect(execution.timeoutMs).toBeUndefined();
      }
      await execution.reply('SUCCEEDED', { result: { said: { s: 'hello' } } }, { timeoutMs: 10_000 });
      expect(service.getCommandExecution({ executionId, targetArn, includeResult: true })).toMatchObject({ status: 'SUCCEEDED', result: { said: { S: 'hello' } } });
    });
  });
});

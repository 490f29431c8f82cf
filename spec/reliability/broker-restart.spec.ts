/**
 * Fault: the broker (a mosquitto process this suite owns) restarts while a
 * request is in flight. Expected: the call settles at once with
 * ConnectionClosedError (well within its timeout); after the reconnect the
 * client re-subscribes, Jobs re-reads the pending list, raises `changed`
 * with reason `reconnect`, and a job queued while the broker was down is
 * listed: none is missed. The update whose reply was lost took effect.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import asyncMqtt from 'async-mqtt';
import mqtt from 'mqtt';
import type { MqttConnection } from '../../lib/mqtt/connection.js';
import { fromMqttJs } from '../../lib/mqtt/mqtt-js-adapter.js';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { ConnectionClosedError } from '../../lib/errors.js';
import { Job, Jobs, Thing } from '../../lib/index.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { PROTOCOLS, type Protocol } from './mosquitto.js';
import { describeWithMosquitto } from './mosquitto-env.js';

describeWithMosquitto(
  'broker restart during a request (own mosquitto process)',
  (broker) => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** Reconnects every 300 ms (the simulator every 50 ms, so it is back first). */
    async function device(protocol: Protocol, clientId: string): Promise<MqttConnection> {
      const options = { clientId, reconnectPeriod: 300, connectTimeout: 2_000 };
      if (protocol === 'MQTT 3.1.1 (async-mqtt)') {
        const client = await asyncMqtt.connectAsync(broker.url, { ...options, protocolVersion: 4 }, false);
        cleanups.push(() => client.end(true));
        return client;
      }
      const client = await mqtt.connectAsync(broker.url, { ...options, protocolVersion: 5 });
      cleanups.push(() => client.endAsync(true));
      return fromMqttJs(client);
    }

    describe.each(PROTOCOLS)('%s', (protocol) => {
      test('the call fails with ConnectionClosedError; after the reconnect the list is re-read and the job queued meanwhile is seen', async () => {
        const process = broker.process!;
        const thingName = `restart-${protocol.startsWith('MQTT 5') ? 'v5' : 'v4'}`;
        const simulator = new JobsSimulator({ autoCreateThings: true });
        cleanups.push(() => simulator.close());
        await simulator.attachToBroker(broker.url, { reconnectPeriod: 50 });
        simulator.createThing({ thingName });
        simulator.createJob({ jobId: 'before', targets: [thingName], document: '{}' });

        const connection = await device(protocol, `dev-${thingName}`);
        const client = new JobsClient(connection, { timeoutMs: 5_000 });
        cleanups.push(() => client.close());
        const jobs = new Jobs(new Thing(thingName, connection), { client });
        cleanups.push(() => jobs.close());
        await jobs.ready;
        const [, queued] = await jobs.list();
        const job = queued[0]!;

        // The update reaches the service (its notify says so), its reply is lost, and the broker goes down with the call in flight.
        simulator.faults.dropReplies({ thingName, operation: 'update' });
        const processed = new Promise<void>((resolve) => simulator.on('notify', () => resolve()));
        const started = Date.now();
        // rideThrough off: this test is about the drop being reported (on, the update would wait for the broker).
        const update = job.update(Job.SUCCEEDED, undefined, { rideThrough: false });
        await processed;
        await process.stop();
        expect(await update).toBe(false);
        expect(job.error).toBeInstanceOf(ConnectionClosedError);
        expect(job.error).toMatchObject({ requestSent: true }); // sent, outcome unknown
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(client.pendingCount).toBe(0);

        // While the broker is down a job is queued: its notification is lost.
        simulator.createJob({ jobId: 'while-down', targets: [thingName], document: '{}' });
        jobs.changed();
        const changed = new Promise<string>((resolve) => jobs.events.on('changed', ({ reason }) => resolve(reason)));
        await process.start();
        expect(await changed).toBe('reconnect');
        expect(jobs.changed()).toBe(true);
        // The lost update took effect; the job queued while down is listed.
        expect(simulator.describeJobExecution({ jobId: 'before', thingName }).execution.status).toBe('SUCCEEDED');
        expect(await jobs.list()).toEqual([[], [expect.objectContaining({ jobId: 'while-down' })]]);
        expect(await jobs.job('while-down').update(Job.IN_PROGRESS)).toBe(true);
      }, 15_000);
    });
  },
  { ownProcess: true },
);

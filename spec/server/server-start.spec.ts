import { describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import { ListenError } from '../../lib/util/listen.js';
import { startSimulatorServer } from '../../lib/server/server.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';

describe('startSimulatorServer', () => {
  test('a taken HTTP port is a ListenError, and the broker it had started is closed again', async () => {
    const running = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
    let caught: unknown;
    try {
      await startSimulatorServer({ mqttPort: 0, httpPort: running.httpPort });
    } catch (error) {
      caught = error;
    } finally {
      await running.close();
    }
    expect(caught).toBeInstanceOf(ListenError);
    expect(caught).toMatchObject({ listener: 'http', code: 'EADDRINUSE', port: running.httpPort, message: `HTTP port ${running.httpPort} on 127.0.0.1 is already in use` });
  });

  test('a taken MQTT port is a ListenError naming the MQTT listener', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startSimulatorServer({ mqttPort: port, httpPort: 0 })).rejects.toMatchObject({ listener: 'mqtt', code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('serves a given simulator without closing it; close is idempotent', async () => {
    const simulator = new JobsSimulator({ region: 'eu-west-1', accountId: '000000000000' });
    const server = await startSimulatorServer({ simulator, mqttPort: 0, httpPort: 0 });
    expect(server.simulator).toBe(simulator);
    await Promise.all([server.close(), server.close()]);
    // Still usable: the server did not close it.
    simulator.createThing({ thingName: 't' });
    expect(simulator.describeThing({ thingName: 't' }).thingArn).toBe('arn:aws:iot:eu-west-1:000000000000:thing/t');
    await simulator.close();
  });
});

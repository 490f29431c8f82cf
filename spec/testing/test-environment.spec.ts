import { expect, test } from '@jest/globals';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';

test('await using closes the environment (simulator and broker, every client) at the end of the scope', async () => {
  let seen: TestEnvironment | undefined;
  let connected: boolean | undefined;
  {
    await using env = await createTestEnvironment({ autoCreateThings: true });
    seen = env;
    const device = await env.connect({ clientId: 'sensor-7' });
    connected = device.connected;
    expect(env.broker.aedes.closed).toBe(false);
  }
  expect(connected).toBe(true);
  expect(seen.broker.aedes.closed).toBe(true);
  // Closed means closed: the simulator refuses to attach again, and a second close is harmless.
  await expect(seen.simulator.attach(seen.broker)).rejects.toThrow('The simulator is closed.');
  await expect(seen.close()).resolves.toBeUndefined();
});

import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { Jobs, JobsClient, Thing } from '../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../lib/testing/index.js';
import { routeThing, type ThingHandlers } from '../lib/thing-router.js';

let env: TestEnvironment;
let connection: AsyncMqttClient;

beforeEach(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  connection = await env.connect({ clientId: 'gateway' });
});

afterEach(async () => {
  await JobsClient.for(connection).close();
  await env.close();
});

function recorder(log: string[], name: string): ThingHandlers {
  return {
    notify: () => log.push(`${name}:notify`),
    next: () => log.push(`${name}:next`),
    reconnect: () => log.push(`${name}:reconnect`),
  };
}

test('a notification reaches the handlers of its thing only; a removed handler hears nothing more', () => {
  const client = JobsClient.for(connection);
  const log: string[] = [];
  const stopA1 = routeThing(client, 'a', recorder(log, 'a1'));
  routeThing(client, 'a', recorder(log, 'a2'));
  routeThing(client, 'b', recorder(log, 'b'));
  client.events.emit('notify', { thingName: 'a', notification: { timestamp: 1, jobs: {} } });
  client.events.emit('notify-next', { thingName: 'b', notification: { timestamp: 1 } });
  client.events.emit('notify', { thingName: 'nobody', notification: { timestamp: 1, jobs: {} } });
  stopA1();
  stopA1();
  client.events.emit('notify', { thingName: 'a', notification: { timestamp: 2, jobs: {} } });
  client.events.emit('reconnect', { sessionPresent: false });
  expect(log).toEqual(['a1:notify', 'a2:notify', 'b:next', 'a2:notify', 'a2:reconnect', 'b:reconnect']);
});

test('a handler that closes its own Jobs during delivery does not stop the others', async () => {
  const first = new Jobs(new Thing('dev', connection));
  const second = new Jobs(new Thing('dev', connection));
  const other = new Jobs(new Thing('other', connection));
  await Promise.all([first.ready, second.ready, other.ready]);
  [first, second, other].forEach((jobs) => jobs.changed());
  first.events.on('changed', () => void first.close());
  const secondChanged = new Promise<string>((resolve) => second.events.on('changed', ({ reason }) => resolve(reason)));
  env.simulator.createJob({ jobId: 'j1', targets: ['dev'], document: '{}' });
  await expect(secondChanged).resolves.toMatch(/^notify/);
  // A round trip for `other` after the notifications: nothing arrived for it.
  await other.list();
  expect(other.changed()).toBe(false);
  expect(second.changed()).toBe(true);
  await Promise.all([first.close(), second.close(), other.close()]);
});

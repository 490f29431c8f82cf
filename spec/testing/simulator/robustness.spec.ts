/** The MQTT front never crashes on garbage, and leaves non-Jobs traffic alone. */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ManualClock, queueJob, startHarness, type Harness } from './helpers.js';

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness({ clock: new ManualClock() });
  queueJob(harness.simulator, 'job1', ['t1']);
});
afterEach(async () => {
  await harness.close();
});

test('a 256 KB payload is rejected and the broker keeps serving', async () => {
  const device = await harness.device('t1', { subscribe: false });
  const huge = JSON.stringify({ clientToken: 'big', filler: 'x'.repeat(256 * 1024) });
  const reply = await device.request('/job1/update', huge);
  expect(reply.topic).toBe(device.topic('/job1/update/rejected'));
  expect(reply.payload.code).toBe('InvalidRequest');
  await device.expectNothingElse();
});

test('wrong types in every operation are InvalidRequest, never a crash', async () => {
  const device = await harness.device('t1', { subscribe: false });
  const garbage = [{ clientToken: {} }, { clientToken: ['a'] }, { statusDetails: 5 }, { stepTimeoutInMinutes: 'ten' }, { executionNumber: 'one' }, { includeJobDocument: 0 }];
  for (const suffix of ['/get', '/start-next', '/job1/get', '/$next/get', '/job1/update']) {
    for (const payload of garbage) {
      const reply = await device.request(suffix, payload);
      // getPending ignores fields it does not read, but the clientToken is always checked.
      expect(reply.topic.endsWith('/rejected') || reply.topic.endsWith('/accepted')).toBe(true);
      if ('clientToken' in payload || suffix === '/job1/update') expect(reply.payload.code).toBe('InvalidRequest');
    }
  }
  await device.expectNothingElse();
});

test('random payloads on every request topic: exactly one reply each, on that topic', async () => {
  const device = await harness.device('t1', { subscribe: false });
  const topics = ['/get', '/start-next', '/job1/get', '/$next/get', '/job1/update', '/nope/update', '/job1/frob', '/x/y/z/w'];
  const payloads = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.json().map((text) => Buffer.from(text)),
    fc.object().map((value) => Buffer.from(JSON.stringify(value))),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...topics), payloads, async (suffix, payload) => {
      const reply = await device.request(suffix, Buffer.from(payload));
      expect([device.topic(`${suffix}/accepted`), device.topic(`${suffix}/rejected`)]).toContain(reply.topic);
      expect(typeof reply.payload.timestamp).toBe('number');
    }),
    { numRuns: 60 },
  );
  await device.expectNothingElse();
});

test('QoS 0 requests are answered too', async () => {
  const device = await harness.device('t1', { subscribe: false });
  await device.client.publish(device.topic('/get'), '{"clientToken":"q0"}', { qos: 0 });
  expect((await device.next()).payload.clientToken).toBe('q0');
});

test('non-Jobs topics, replies and notifications published by clients pass untouched and are not answered', async () => {
  const device = await harness.device('t1', { subscribe: false });
  const listener = await harness.device('t1', { subscribe: false });
  await listener.client.subscribe(['plain/topic', '$aws/things/t1/shadow/update', '$aws/things/t1/jobs/job1/get/accepted', '$aws/things/t1/jobs/notify'], { qos: 1 });
  for (const topic of ['plain/topic', '$aws/things/t1/shadow/update', '$aws/things/t1/jobs/job1/get/accepted', '$aws/things/t1/jobs/notify']) {
    await device.client.publish(topic, 'not json', { qos: 1 });
    expect(await listener.next()).toMatchObject({ topic, raw: 'not json' });
  }
  await device.expectNothingElse();
  await listener.expectNothingElse();
});

test('a detached simulator answers nothing', async () => {
  const detach = await harness.simulator.attach(harness.broker);
  const device = await harness.device('t1', { subscribe: false });
  await device.client.subscribe(device.topic('/get/+'));
  // Two attachments answer twice; after detaching one, once.
  await device.publish('/get', { clientToken: 'two' });
  expect((await device.next()).payload.clientToken).toBe('two');
  expect((await device.next()).payload.clientToken).toBe('two');
  await detach();
  await device.expectNothingElse();
});

test('a closed simulator refuses to attach', async () => {
  await harness.simulator.close();
  await expect(harness.simulator.attach(harness.broker)).rejects.toThrow('The simulator is closed.');
});

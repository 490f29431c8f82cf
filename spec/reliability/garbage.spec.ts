/**
 * Garbage on the wire. On every topic the client subscribes to: not JSON,
 * wrong types, 256 KB, deeply nested, invalid UTF-8, unknown clientTokens.
 * Expected: no crash, no unhandled rejection, a call in flight is neither
 * settled nor lost by it (its real reply still resolves it), and a malformed
 * reply carrying the call's own token fails that call with
 * MalformedMessageError instead of leaving it hanging. On every request topic
 * of the simulator the same garbage gets a proper `/rejected` reply, and the
 * service keeps serving.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { MalformedMessageError } from '../../lib/errors.js';
import { Jobs, Thing } from '../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/index.js';
import { ManualClock } from '../client/support.js';

const deep = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const GARBAGE: Array<[string, string | Buffer]> = [
  ['empty', ''],
  ['not JSON', 'not json at all'],
  ['truncated JSON', '{"clientToken":"x",'],
  ['an array', '[1,2,3]'],
  ['a string', '"hello"'],
  ['a number', '42'],
  ['null', 'null'],
  ['wrong types', JSON.stringify({ clientToken: 7, timestamp: 'now', inProgressJobs: 'x', queuedJobs: {}, execution: [], jobs: 5, code: {} })],
  ['unknown clientToken', JSON.stringify({ clientToken: 'nobody-asked', timestamp: 1, inProgressJobs: [], queuedJobs: [] })],
  ['256 KB', Buffer.alloc(256 * 1024, 0x61)],
  ['256 KB of JSON', JSON.stringify({ clientToken: 'nobody', pad: 'x'.repeat(256 * 1024) })],
  ['deeply nested (100,000 levels)', deep(100_000)],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['__proto__ pollution', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"clientToken":"p"}'],
];

const SUBSCRIBED_TOPICS = [
  'get/accepted',
  'get/rejected',
  'start-next/accepted',
  'start-next/rejected',
  'j1/get/accepted',
  'j1/get/rejected',
  '$next/get/accepted',
  'j1/update/accepted',
  'j1/update/rejected',
  'notify',
  'notify-next',
].map((suffix) => `$aws/things/dev/jobs/${suffix}`);

let env: TestEnvironment;
let clock: ManualClock;
let device: AsyncMqttClient;
let attacker: AsyncMqttClient;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(async () => {
  clock = new ManualClock();
  env = await createTestEnvironment({ clock });
  env.simulator.createThing({ thingName: 'dev' });
  env.simulator.createJob({ jobId: 'j1', targets: ['dev'], document: '{}' });
  device = await env.connect({ clientId: 'dev' });
  attacker = await env.connect({ clientId: 'attacker' });
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await env.close();
});

test('garbage on every subscribed topic: nothing crashes, the call in flight still gets its real reply, errors are reported as events', async () => {
  const client = new JobsClient(device);
  const errors: unknown[] = [];
  client.events.on('error', (error) => errors.push(error));
  const jobs = new Jobs(new Thing('dev', device), { client });
  await jobs.ready;
  env.simulator.faults.delayReplies({ operation: 'getPending' }, 1, 100);
  const inFlight = client.getPendingJobExecutions('dev', { clientToken: 'real-call' });
  await clock.scheduled();

  for (const topic of SUBSCRIBED_TOPICS) for (const [, payload] of GARBAGE) await attacker.publish(topic, payload, { qos: 1 });
  // A round trip after the storm of garbage: everything before it was handled.
  const probe = await new JobsClient(attacker).describeJobExecution('dev', 'j1', { includeJobDocument: false });
  expect(probe.execution?.jobId).toBe('j1');

  expect(client.pendingCount).toBe(1);
  clock.advance(100);
  expect(await inFlight).toMatchObject({ clientToken: 'real-call', queuedJobs: [{ jobId: 'j1' }] });
  expect(await jobs.list()).toEqual([[], [expect.objectContaining({ jobId: 'j1' })]]);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((error) => error instanceof MalformedMessageError)).toBe(true);
  expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  expect(unhandled).toEqual([]);
  await jobs.close();
  await client.close();
});

test("a malformed reply with the call's own token fails that call with MalformedMessageError (no hang)", async () => {
  const client = new JobsClient(device);
  await client.watch('dev');
  env.simulator.faults.dropReplies({ operation: 'getPending' });
  const call = client.getPendingJobExecutions('dev', { clientToken: 'mine' });
  const failed = expect(call).rejects.toBeInstanceOf(MalformedMessageError);
  await attacker.publish('$aws/things/dev/jobs/get/accepted', JSON.stringify({ clientToken: 'mine', timestamp: 1, inProgressJobs: 'not a list' }), { qos: 1 });
  await failed;
  expect(client.pendingCount).toBe(0);
  expect(unhandled).toEqual([]);
  await client.close();
});

test('garbage on every request topic of the simulator gets a /rejected reply, and the service keeps serving', async () => {
  await device.subscribe('$aws/things/dev/jobs/#', { qos: 1 });
  const replies: Array<{ topic: string; body: Record<string, unknown> }> = [];
  let wake: (() => void) | undefined;
  device.on('message', (topic: string, payload: Buffer) => {
    if (!topic.endsWith('/accepted') && !topic.endsWith('/rejected')) return;
    replies.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> });
    wake?.();
  });
  const nextReply = async (): Promise<{ topic: string; body: Record<string, unknown> }> => {
    while (replies.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return replies.shift()!;
  };
  const requests = ['get', 'start-next', 'j1/get', '$next/get', 'j1/update', 'j1/frobnicate'].map((suffix) => `$aws/things/dev/jobs/${suffix}`);
  const notObjects = GARBAGE.filter(([name]) => !['empty', 'null', 'wrong types', 'unknown clientToken', '__proto__ pollution', '256 KB of JSON'].includes(name));
  for (const topic of requests) {
    for (const [name, payload] of notObjects) {
      await device.publish(topic, payload, { qos: 1 });
      const reply = await nextReply();
      expect({ name, topic: reply.topic }).toEqual({ name, topic: `${topic}/rejected` });
      expect(['InvalidJson', 'InvalidRequest', 'InvalidTopic']).toContain(reply.body.code);
    }
  }
  // Objects of the wrong shape, and `null` (read as no request): a reply each; rejected for an update (status is required), an unknown topic, or over 128 KiB.
  for (const topic of requests) {
    for (const [, payload] of GARBAGE.filter(([name]) => name === 'wrong types' || name === '256 KB of JSON' || name === 'null')) {
      await device.publish(topic, payload, { qos: 1 });
      const reply = await nextReply();
      expect(reply.topic.startsWith(topic)).toBe(true);
      if (topic.endsWith('/update') || topic.endsWith('frobnicate') || name256(payload)) expect(reply.topic).toBe(`${topic}/rejected`);
    }
  }
  const client = new JobsClient(attacker);
  // The start-next with a null payload (no request) started j1; nothing else changed it.
  expect(await client.getPendingJobExecutions('dev')).toMatchObject({ inProgressJobs: [{ jobId: 'j1', versionNumber: 2 }], queuedJobs: [] });
  expect(unhandled).toEqual([]);
  await client.close();
});

function name256(payload: string | Buffer): boolean {
  return payload.length > 128 * 1024;
}

/**
 * The fault matrix, through Jobs/Job against the simulator (in-memory broker):
 * lost, late, duplicated and reordered replies, throttling and internal
 * errors, and a storm of 10,000 notifications. Each test states the outcome.
 */
import { afterEach, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { JobsRejectedError, JobsTimeoutError } from '../../lib/errors.js';
import { Job, Jobs, Thing } from '../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/index.js';
import { debugWaiter, isIgnoredReply, ManualClock } from '../client/support.js';
import { recording, type Sent } from './recording-connection.js';
import { report, scaled } from './scale.js';
import { getPendingTopic } from '../../lib/protocol/topics.js';

let env: TestEnvironment;
let clock: ManualClock | undefined;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await env.close();
  clock = undefined;
});

/** A thing `dev` with one queued job `j1`, a Jobs on a recorded connection, and the Job listed. */
async function setup(options: { manualClock?: boolean } = {}) {
  clock = options.manualClock === true ? new ManualClock() : undefined;
  env = await createTestEnvironment(clock ? { clock } : {});
  env.simulator.createThing({ thingName: 'dev' });
  env.simulator.createJob({ jobId: 'j1', targets: ['dev'], document: '{}' });
  const mqtt: AsyncMqttClient = await env.connect({ clientId: 'dev' });
  const { connection, log } = recording(mqtt);
  const debug = debugWaiter();
  const errors: unknown[] = [];
  const client = new JobsClient(connection, { onDebug: debug.onDebug });
  client.events.on('error', (error) => errors.push(error));
  const jobs = new Jobs(new Thing('dev', connection), { client });
  closers.push(() => client.close(), () => jobs.close());
  await jobs.ready;
  const [, [job]] = await jobs.list();
  return { mqtt, client, jobs, job: job!, log, debug, errors };
}

const updates = (log: Sent[]): number => log.filter((sent) => sent.kind === 'publish' && sent.topic.endsWith('/j1/update')).length;
const execution = () => env.simulator.describeJobExecution({ jobId: 'j1', thingName: 'dev' }).execution;

test('reply dropped: the update settles false with JobsTimeoutError at its timeout; the next update hits VersionMismatch, adopts the state, and the one after succeeds', async () => {
  const { job } = await setup();
  env.simulator.faults.dropReplies({ operation: 'update' });
  expect(await job.update(Job.IN_PROGRESS, undefined, { timeoutMs: 50 })).toBe(false);
  expect(job.error).toBeInstanceOf(JobsTimeoutError);
  expect(execution()).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
  expect(await job.update(Job.IN_PROGRESS, { step: '2' })).toBe(false);
  expect(job.error).toMatchObject({ code: 'VersionMismatch' });
  expect(job.version).toBe(2);
  expect(await job.update(Job.SUCCEEDED)).toBe(true);
  expect(execution()).toMatchObject({ status: 'SUCCEEDED', versionNumber: 3 });
});

test('reply delayed past the timeout, then delivered: the call times out; the late reply is ignored (no error, no second settlement)', async () => {
  const { client, debug, errors } = await setup({ manualClock: true });
  env.simulator.faults.delayReplies({ operation: 'getPending' }, 1, 1_000);
  // Under load the 30 ms may run out before the request reaches the simulator: the clock must move only once the
  // simulator has the request (and the delayed reply on its clock). The broker calls the simulator's listener first.
  const { aedes } = env.broker;
  const received = new Promise<void>((resolve) => {
    const onPublish = (packet: { topic: string }, from: unknown): void => {
      if (from === null || packet.topic !== getPendingTopic('dev')) return;
      aedes.removeListener('publish', onPublish);
      resolve();
    };
    aedes.on('publish', onPublish);
  });
  await expect(client.getPendingJobExecutions('dev', {}, { timeoutMs: 30 })).rejects.toBeInstanceOf(JobsTimeoutError);
  await received;
  const ignored = debug.next(isIgnoredReply);
  clock!.advance(1_000);
  expect(await ignored).toMatchObject({ reason: 'late', previousOutcome: 'timed-out' });
  expect(await client.getPendingJobExecutions('dev')).toMatchObject({ queuedJobs: [{ jobId: 'j1' }] });
  expect(errors).toEqual([]);
  expect(client.pendingCount).toBe(0);
});

test('reply duplicated: the update settles once, true; the copy is ignored as a duplicate', async () => {
  const { job, debug, errors } = await setup();
  env.simulator.faults.duplicateReplies({ operation: 'update' });
  const ignored = debug.next(isIgnoredReply);
  expect(await job.update(Job.IN_PROGRESS)).toBe(true);
  expect(await ignored).toMatchObject({ reason: 'duplicate', previousOutcome: 'accepted' });
  expect(job.version).toBe(2);
  expect(await job.update(Job.SUCCEEDED)).toBe(true);
  expect(errors).toEqual([]);
});

test('reply reordered after its notification: `changed` fires first, then the update resolves true with the new state', async () => {
  const { job, jobs } = await setup({ manualClock: true });
  jobs.changed();
  env.simulator.faults.delayReplies({ operation: 'update' }, 1, 500);
  const order: string[] = [];
  const changed = new Promise<void>((resolve) =>
    jobs.events.on('changed', () => {
      order.push('changed');
      resolve();
    }),
  );
  const update = job.update(Job.SUCCEEDED).then((ok) => {
    order.push('reply');
    return ok;
  });
  await changed;
  await clock!.scheduled();
  clock!.advance(500);
  expect(await update).toBe(true);
  // notify and notify-next both came before the reply.
  expect(order).toEqual(['changed', 'changed', 'reply']);
  expect(job.status).toBe('SUCCEEDED');
  expect(jobs.changed()).toBe(true);
});

test('RequestThrottled twice: update retries (bounded, with backoff) and succeeds on the third try', async () => {
  const { job, log } = await setup();
  env.simulator.faults.rejectNext({ operation: 'update' }, 2, 'RequestThrottled');
  expect(await job.update(Job.IN_PROGRESS, undefined, { retryDelayMs: 1 })).toBe(true);
  expect(updates(log)).toBe(3);
  expect(execution()).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
});

test('InternalError more times than the retries: update gives up after 1 + retries tries with InternalError', async () => {
  const { job, log } = await setup();
  env.simulator.faults.rejectNext({ operation: 'update' }, 5, 'InternalError');
  expect(await job.update(Job.IN_PROGRESS, undefined, { retries: 2, retryDelayMs: 1 })).toBe(false);
  expect(job.error).toMatchObject({ code: 'InternalError' });
  expect(updates(log)).toBe(3);
  expect(execution()).toMatchObject({ status: 'QUEUED', versionNumber: 1 });
});

test('a final code (InvalidStateTransition) is never retried', async () => {
  const { job, log } = await setup();
  expect(await job.update(Job.SUCCEEDED)).toBe(true);
  const before = updates(log);
  expect(await job.update(Job.IN_PROGRESS, undefined, { retries: 5, retryDelayMs: 1 })).toBe(false);
  expect(job.error).toBeInstanceOf(JobsRejectedError);
  expect(job.error).toMatchObject({ code: 'InvalidStateTransition' });
  expect(updates(log) - before).toBe(1);
});

const storm = scaled(10_000, 1_000);

test(`a storm of ${storm} notifications from the service: every one is delivered, changed() is true once, and calls keep working`, async () => {
  const { jobs, client, errors } = await setup();
  jobs.changed();
  let seen = 0;
  const all = new Promise<void>((resolve) =>
    client.events.on('notify', () => {
      seen += 1;
      if (seen === storm) resolve();
    }),
  );
  const payload = Buffer.from(JSON.stringify({ timestamp: 1, jobs: { QUEUED: [{ jobId: 'j1', queuedAt: 1, lastUpdatedAt: 1, executionNumber: 1, versionNumber: 1 }] } }));
  // Published by the broker, as the service publishes notifications. (From a client, 10,000 unawaited publishes
  // each wait for 'drain' on its stream: mqtt.js allows 1,000 such listeners, hence the MaxListenersExceededWarning.)
  const started = Date.now();
  for (let i = 0; i < storm; i += 1) {
    env.broker.aedes.publish({ cmd: 'publish', topic: '$aws/things/dev/jobs/notify', payload, qos: 0, retain: false, dup: false }, () => undefined);
  }
  await all;
  report(`notification storm: ${storm} notifications handled in ${Date.now() - started} ms`);
  expect(jobs.changed()).toBe(true);
  expect(jobs.changed()).toBe(false);
  expect(await jobs.list()).toEqual([[], [expect.objectContaining({ jobId: 'j1' })]]);
  expect(errors).toEqual([]);
  expect(client.pendingCount).toBe(0);
});

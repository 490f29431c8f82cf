/**
 * Protocol §15 "Notifications" and the worked sequence of §6.3, asserted in
 * order, each followed by a round trip that proves nothing else arrived.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DOC, ManualClock, queueJob, startHarness, type Harness, type RawDevice } from './helpers.js';

let harness: Harness;
let clock: ManualClock;
const NOW = 1_719_940_632;

beforeEach(async () => {
  clock = new ManualClock();
  harness = await startHarness({ clock });
});
afterEach(async () => {
  await harness.close();
});

const queued = (jobId: string, at = NOW) => ({ jobId, queuedAt: at, lastUpdatedAt: at, executionNumber: 1, versionNumber: 1 });

async function expectNotify(device: RawDevice, jobs: Record<string, unknown>, timestamp = NOW): Promise<void> {
  const message = await device.next();
  expect(message.topic).toBe(device.topic('/notify'));
  expect(message.payload).toEqual({ timestamp, jobs });
}

async function expectNext(device: RawDevice, execution: Record<string, unknown> | undefined, timestamp = NOW): Promise<void> {
  const message = await device.next();
  expect(message.topic).toBe(device.topic('/notify-next'));
  expect(message.payload).toEqual(execution === undefined ? { timestamp } : { timestamp, execution });
}

async function expectReply(device: RawDevice, suffix: string, payload: unknown, topicSuffix = `${suffix}/accepted`): Promise<Record<string, unknown>> {
  const reply = await device.request(suffix, payload);
  expect(reply.topic).toBe(device.topic(topicSuffix));
  return reply.payload;
}

describe('notify and notify-next', () => {
  test('CreateJob: notify lists it QUEUED; notify-next carries it with its document', async () => {
    const device = await harness.device('t1');
    queueJob(harness.simulator, 'job1', ['t1']);
    await expectNotify(device, { QUEUED: [queued('job1')] });
    await expectNext(device, { jobId: 'job1', status: 'QUEUED', queuedAt: NOW, lastUpdatedAt: NOW, versionNumber: 1, executionNumber: 1, jobDocument: DOC });
    await device.expectNothingElse();
  });

  test('a second job: notify lists both in queue order, no notify-next', async () => {
    const device = await harness.device('t1');
    queueJob(harness.simulator, 'job1', ['t1']);
    await device.next();
    await device.next();
    clock.advance(1000);
    queueJob(harness.simulator, 'job2', ['t1']);
    await expectNotify(device, { QUEUED: [queued('job1'), queued('job2', NOW + 1)] }, NOW + 1);
    await device.expectNothingElse();
  });

  test('the head SUCCEEDED: the reply, then notify without it, then notify-next with the new head', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    await expectReply(device, '/job1/update', { status: 'SUCCEEDED' });
    await expectNotify(device, { QUEUED: [queued('job2')] });
    await expectNext(device, { ...queued('job2'), status: 'QUEUED', jobDocument: DOC });
    await device.expectNothingElse();
  });

  test('the last pending FAILED: notify {"jobs":{}} and notify-next with the timestamp alone', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    await expectReply(device, '/job1/update', { status: 'FAILED', statusDetails: { why: 'disk' } });
    const notify = await device.next();
    expect(notify.raw).toBe(`{"timestamp":${NOW},"jobs":{}}`);
    const next = await device.next();
    expect(next.topic).toBe(device.topic('/notify-next'));
    expect(next.raw).toBe(`{"timestamp":${NOW}}`);
    await device.expectNothingElse();
  });

  test('a non-head execution finishing: notify only', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/job2/update', { status: 'SUCCEEDED' });
    await expectNotify(device, { QUEUED: [queued('job1')] });
    await device.expectNothingElse();
  });

  test('two QUEUED, the second updated to IN_PROGRESS: notify-next names it, no notify', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/job2/update', { status: 'IN_PROGRESS' });
    await expectNext(device, { jobId: 'job2', status: 'IN_PROGRESS', queuedAt: NOW, startedAt: NOW, lastUpdatedAt: NOW, versionNumber: 2, executionNumber: 1, jobDocument: DOC });
    await device.expectNothingElse();
  });

  test('REJECTED straight from QUEUED: accepted, and notify', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/job2/update', { status: 'REJECTED' });
    await expectNotify(device, { QUEUED: [queued('job1')] });
    await device.expectNothingElse();
    expect(harness.simulator.describeJobExecution({ jobId: 'job2', thingName: 't1' }).execution.status).toBe('REJECTED');
  });

  test('start-next of the head and progress updates publish nothing', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    await expectReply(device, '/job1/update', { status: 'IN_PROGRESS', statusDetails: { progress: '10' } });
    await expectReply(device, '/job1/get', {});
    await expectReply(device, '/$next/get', {});
    await device.expectNothingElse();
  });

  test('force-deleting a job with an IN_PROGRESS execution: notify {} and notify-next {timestamp}', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    harness.simulator.deleteJob({ jobId: 'job1', force: true });
    await expectNotify(device, {});
    await expectNext(device, undefined);
    expect((await device.request('/job1/update', { status: 'SUCCEEDED' })).payload.code).toBe('ResourceNotFound');
    await device.expectNothingElse();
  });

  test('CancelJob without force, QUEUED head: the execution is CANCELED; notify and notify-next', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await harness.device('t1');
    harness.simulator.cancelJob({ jobId: 'job1' });
    await expectNotify(device, {});
    await expectNext(device, undefined);
    await device.expectNothingElse();
    expect(harness.simulator.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.status).toBe('CANCELED');
  });

  test('CancelJob without force, IN_PROGRESS execution: it stays, nothing is published, and the device can still succeed it', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    harness.simulator.cancelJob({ jobId: 'job1' });
    await device.expectNothingElse();
    expect(harness.simulator.describeJob({ jobId: 'job1' }).job.status).toBe('CANCELED');
    await expectReply(device, '/job1/update', { status: 'SUCCEEDED' });
    await expectNotify(device, {});
    await expectNext(device, undefined);
    await device.expectNothingElse();
    expect(harness.simulator.describeJob({ jobId: 'job1' }).job).toMatchObject({ status: 'CANCELED', jobProcessDetails: { numberOfSucceededThings: 1 } });
  });

  test('CancelJob with force on an IN_PROGRESS head: notify and notify-next tell the device', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/start-next', {});
    harness.simulator.cancelJob({ jobId: 'job1', force: true });
    await expectNotify(device, { QUEUED: [queued('job2')] });
    await expectNext(device, { ...queued('job2'), status: 'QUEUED', jobDocument: DOC });
    const late = await device.request('/job1/update', { status: 'SUCCEEDED' });
    expect(late.payload).toMatchObject({ code: 'InvalidStateTransition', executionState: { status: 'CANCELED', versionNumber: 2 } });
    await device.expectNothingElse();
  });

  test('notifications reach every subscriber of the thing, and no other thing', async () => {
    const first = await harness.device('t1');
    const second = await harness.device('t1');
    const other = await harness.device('t2');
    queueJob(harness.simulator, 'job1', ['t1']);
    for (const device of [first, second]) {
      await expectNotify(device, { QUEUED: [queued('job1')] });
      await expectNext(device, { ...queued('job1'), status: 'QUEUED', jobDocument: DOC });
      await device.expectNothingElse();
    }
    await other.expectNothingElse();
  });

  test('notify lists at most 10 pending executions, IN_PROGRESS first', async () => {
    for (let i = 1; i <= 11; i += 1) queueJob(harness.simulator, `job${i}`, ['t1']);
    const device = await harness.device('t1');
    await expectReply(device, '/job11/update', { status: 'IN_PROGRESS' });
    await device.next(); // notify-next: job11 became the head
    harness.simulator.cancelJob({ jobId: 'job1' });
    const notify = await device.next();
    const jobs = notify.payload.jobs as Record<string, Array<{ jobId: string }>>;
    expect(jobs.IN_PROGRESS!.map((job) => job.jobId)).toEqual(['job11']);
    expect(jobs.QUEUED!.map((job) => job.jobId)).toEqual(['job2', 'job3', 'job4', 'job5', 'job6', 'job7', 'job8', 'job9', 'job10']);
    const listed = await device.request('/get');
    expect((listed.payload.queuedJobs as unknown[]).length).toBe(9);
    await device.expectNothingElse();
  });
});

describe('the worked sequence of docs/protocol.md §6.3', () => {
  test('create job1, job2; start job1; create job3; job1 SUCCEEDED; job3 IN_PROGRESS; job2 REJECTED; job3 force-deleted', async () => {
    const device = await harness.device('t1');
    const sim = harness.simulator;

    queueJob(sim, 'job1', ['t1']);
    await expectNotify(device, { QUEUED: [queued('job1')] });
    await expectNext(device, { ...queued('job1'), status: 'QUEUED', jobDocument: DOC });

    clock.advance(1000);
    queueJob(sim, 'job2', ['t1']);
    await expectNotify(device, { QUEUED: [queued('job1'), queued('job2', NOW + 1)] }, NOW + 1);

    clock.advance(1000);
    await expectReply(device, '/start-next', {});
    const job1Started = { jobId: 'job1', queuedAt: NOW, startedAt: NOW + 2, lastUpdatedAt: NOW + 2, executionNumber: 1, versionNumber: 2 };

    clock.advance(1000);
    queueJob(sim, 'job3', ['t1']);
    await expectNotify(device, { IN_PROGRESS: [job1Started], QUEUED: [queued('job2', NOW + 1), queued('job3', NOW + 3)] }, NOW + 3);

    clock.advance(1000);
    await expectReply(device, '/job1/update', { status: 'SUCCEEDED' });
    await expectNotify(device, { QUEUED: [queued('job2', NOW + 1), queued('job3', NOW + 3)] }, NOW + 4);
    await expectNext(device, { ...queued('job2', NOW + 1), status: 'QUEUED', jobDocument: DOC }, NOW + 4);

    clock.advance(1000);
    await expectReply(device, '/job3/update', { status: 'IN_PROGRESS' });
    const job3 = { jobId: 'job3', status: 'IN_PROGRESS', queuedAt: NOW + 3, startedAt: NOW + 5, lastUpdatedAt: NOW + 5, versionNumber: 2, executionNumber: 1 };
    await expectNext(device, { ...job3, jobDocument: DOC }, NOW + 5);

    clock.advance(1000);
    await expectReply(device, '/job2/update', { status: 'REJECTED' });
    const { status: _status, ...job3Summary } = job3;
    await expectNotify(device, { IN_PROGRESS: [job3Summary] }, NOW + 6);

    clock.advance(1000);
    sim.deleteJob({ jobId: 'job3', force: true });
    await expectNotify(device, {}, NOW + 7);
    await expectNext(device, undefined, NOW + 7);
    await device.expectNothingElse();
  });
});

/**
 * Cancellation is a signal: the handler's signal aborts, with a typed reason,
 * as soon as the service shows the execution ended — within the one
 * notification that tells it, with fake time standing still — and nothing is
 * sent for that execution afterwards.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import { ExecutionEndedError, RunnerStoppedError } from '../../lib/runner/runner-errors.js';
import type { JobContext } from '../../lib/runner/handlers.js';
import { MINUTE, RunnerBed, record, settle, until } from './support.js';

let bed: RunnerBed;
let runner: JobRunner | undefined;
beforeEach(async () => {
  bed = await RunnerBed.start();
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await bed.close();
});

/** A handler that waits for its signal, then misbehaves: reports progress and returns a status anyway. */
function stubbornHandler(contexts: JobContext[]) {
  return async (context: JobContext) => {
    contexts.push(context);
    context.progress({ step: 'downloading' });
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
    context.progress({ step: 'after the abort' });
    return { result: 'done anyway' };
  };
}

async function startRunning(contexts: JobContext[]): Promise<ReturnType<typeof record>> {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  bed.createJob('next', ['t1'], { operation: 'quick' });
  const { thing } = await bed.connect('t1');
  runner = runJobs(thing, { install: stubbornHandler(contexts), quick: () => ({ quick: 'yes' }) }, { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1 });
  const seen = record(runner);
  await until(() => seen.some((e) => e.type === 'progress'), 'the first progress is accepted');
  return seen;
}

describe.each([
  ['CancelJob force', (b: RunnerBed) => b.simulator.cancelJob({ jobId: 'fw', force: true }), 'CANCELED'],
  ['CancelJobExecution force', (b: RunnerBed) => b.simulator.cancelJobExecution({ jobId: 'fw', thingName: 't1', force: true }), 'CANCELED'],
  ['DeleteJob force', (b: RunnerBed) => b.simulator.deleteJob({ jobId: 'fw', force: true }), 'DELETED'],
] as const)('%s', (_, cancel, status) => {
  test(`aborts the handler's signal with ExecutionEndedError ${status} within one notification; nothing is sent for it afterwards; the next job runs`, async () => {
    const contexts: JobContext[] = [];
    const seen = await startRunning(contexts);
    const notifications: string[] = [];
    bed.simulator.on('notify', () => notifications.push('notify'));
    bed.simulator.on('notify-next', () => notifications.push('notify-next'));
    const now = Date.now();
    let notificationsAtAbort = -1;
    contexts[0]!.signal.addEventListener('abort', () => (notificationsAtAbort = notifications.length));
    cancel(bed);
    const sentBefore = bed.updatesOf('fw').length;
    await until(() => contexts[0]!.signal.aborted, 'the signal aborts');
    expect(Date.now()).toBe(now); // no timer, no poll: the notification did it
    // Aborted on the notify / notify-next pair of that one change, before anything else happened.
    expect(notificationsAtAbort).toBeGreaterThanOrEqual(1);
    expect(notificationsAtAbort).toBeLessThanOrEqual(2);
    const reason: unknown = contexts[0]!.signal.reason;
    expect(reason).toBeInstanceOf(ExecutionEndedError);
    expect(reason).toMatchObject({ jobId: 'fw', status });
    expect(seen.find((e) => e.type === 'canceled')?.event).toMatchObject({ jobId: 'fw', reason: { status } });

    await until(() => bed.execution('next', 't1').status === 'SUCCEEDED', 'the next job runs');
    jest.advanceTimersByTime(5 * MINUTE); // heartbeats would be due, progress would be due
    await settle();
    expect(bed.updatesOf('fw').length).toBe(sentBefore);
    if (status !== 'DELETED') expect(bed.execution('fw', 't1').status).toBe(status);
    expect(seen.some((e) => e.type === 'finished' && (e.event as { jobId: string }).jobId === 'fw')).toBe(false);
  });
});

test('a normal CancelJob: the queued job never starts; the running one is left IN_PROGRESS by the service (docs/protocol.md §8), so its handler runs on and its status lands', async () => {
  bed.createJob('running', ['t1'], { operation: 'slow' });
  bed.createJob('queued', ['t1'], { operation: 'slow' });
  const { thing } = await bed.connect('t1');
  const contexts: JobContext[] = [];
  const release: Array<() => void> = [];
  runner = runJobs(
    thing,
    {
      slow: (context) => {
        contexts.push(context);
        return new Promise((resolve) => release.push(() => resolve({ ok: 'yes' })));
      },
    },
    { store: new MemoryStatusStore() },
  );
  await until(() => contexts.length === 1, 'the first runs');
  bed.simulator.cancelJob({ jobId: 'running' });
  bed.simulator.cancelJob({ jobId: 'queued' });
  await until(() => bed.execution('queued', 't1').status === 'CANCELED', 'queued canceled');
  await settle();
  expect(contexts[0]!.signal.aborted).toBe(false);
  release[0]!();
  await until(() => bed.execution('running', 't1').status === 'SUCCEEDED', 'its status lands');
  await settle();
  expect(contexts.map((c) => c.job.jobId)).toEqual(['running']);
});

test('a step timer that runs out (a TIMED_OUT notification) aborts with TIMED_OUT', async () => {
  bed.createJob('fw', ['t1'], { operation: 'hang' });
  const { thing } = await bed.connect('t1');
  const contexts: JobContext[] = [];
  // livenessMs: only signs of life renew the step timer; this handler gives none.
  runner = runJobs(thing, { hang: (c) => {
    contexts.push(c);
    return new Promise(() => undefined);
  } }, { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1, livenessMs: 30_000 });
  await until(() => contexts.length === 1, 'running');
  await until(() => contexts[0]!.signal.aborted, 'timed out', { stepMs: 5_000 });
  expect(contexts[0]!.signal.reason).toMatchObject({ status: 'TIMED_OUT' });
  expect(bed.execution('fw', 't1').status).toBe('TIMED_OUT');
});

test('stop() aborts with RunnerStoppedError and sends nothing: the execution stays IN_PROGRESS for the next runner, which resumes it', async () => {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  const { thing } = await bed.connect('t1');
  const contexts: JobContext[] = [];
  const store = new MemoryStatusStore();
  runner = runJobs(thing, { install: stubbornHandler(contexts) }, { store });
  await until(() => contexts.length === 1, 'running');
  const sent = bed.updates.length;
  await runner.stop();
  expect(contexts[0]!.signal.reason).toBeInstanceOf(RunnerStoppedError);
  await settle();
  expect(bed.updates.length).toBe(sent);
  expect(bed.execution('fw', 't1').status).toBe('IN_PROGRESS');

  runner = runJobs(thing, { install: (c) => ({ resumed: String(c.resumed) }) }, { store });
  await until(() => bed.execution('fw', 't1').status === 'SUCCEEDED', 'resumed and finished');
  expect(bed.execution('fw', 't1').statusDetails?.detailsMap).toEqual({ resumed: 'true' });
});

test('force-canceled while the device was offline: the reconnect reveals it, the signal aborts, and nothing is sent for it', async () => {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  const { thing, connection } = await bed.connect('t1', { reconnectPeriod: 1_000 });
  const contexts: JobContext[] = [];
  runner = runJobs(thing, { install: stubbornHandler(contexts) }, { store: new MemoryStatusStore() });
  await until(() => contexts.length === 1 && bed.updatesOf('fw').length === 1, 'running, first progress sent');
  bed.simulator.faults.disconnectClient('t1');
  await until(() => !connection.connected, 'offline');
  bed.simulator.cancelJob({ jobId: 'fw', force: true });
  await settle();
  expect(contexts[0]!.signal.aborted).toBe(false); // nothing could tell the device yet
  jest.advanceTimersByTime(1_000);
  await until(() => contexts[0]!.signal.aborted, 'aborted after the reconnect');
  expect(contexts[0]!.signal.reason).toMatchObject({ status: 'CANCELED' });
  await settle();
  expect(bed.updatesOf('fw')).toHaveLength(1);
});

test('with no notification (lost), an update refused with a terminal state aborts the signal, and nothing more is sent', async () => {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  const { thing, connection } = await bed.connect('t1');
  const contexts: JobContext[] = [];
  runner = runJobs(
    thing,
    {
      install: async (context) => {
        contexts.push(context);
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
        return { never: 'sent' };
      },
    },
    { store: new MemoryStatusStore(), progressIntervalMs: 10 },
  );
  await until(() => contexts.length === 1, 'running');
  await settle();
  // The device stops hearing notifications (behind the client's back): only a refused update can tell it now.
  await connection.unsubscribe(['$aws/things/t1/jobs/notify', '$aws/things/t1/jobs/notify-next']);
  bed.simulator.cancelJob({ jobId: 'fw', force: true });
  await settle();
  expect(contexts[0]!.signal.aborted).toBe(false);
  contexts[0]!.progress({ step: 'still going' });
  await until(() => contexts[0]!.signal.aborted, 'the refused progress aborts');
  expect(contexts[0]!.signal.reason).toMatchObject({ status: 'CANCELED' });
  await settle();
  expect(bed.updatesOf('fw').map((u) => u.status)).toEqual(['IN_PROGRESS']);
});

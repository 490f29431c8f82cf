/**
 * Protocol §15 "Timers", driven by jest fake timers through the default
 * system clock: a test advances minutes at once.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { queueJob, startHarness, type Harness, type RawDevice } from './helpers.js';

const MINUTE = 60_000;
const NOON = Date.UTC(2024, 6, 2, 12, 0, 0);
const NOON_S = NOON / 1000;

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
  // The MQTT streams run on nextTick / setImmediate: keep those real.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: NOON });
});
afterEach(async () => {
  jest.useRealTimers();
  await harness.close();
});

/** A device without keepalive pings, so that advancing the clock cannot time its connection out. */
function device(thingName = 't1', subscribe = true): Promise<RawDevice> {
  return harness.device(thingName, { keepalive: 0, subscribe });
}

function executionOf(jobId: string, thingName = 't1') {
  return harness.simulator.describeJobExecution({ jobId, thingName }).execution;
}

describe('in-progress timer', () => {
  test('inProgressTimeoutInMinutes 1: TIMED_OUT after a minute, with notify and notify-next; a later update is InvalidStateTransition', async () => {
    queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 1 } });
    const dev = await device('t1', false);
    const started = await dev.request('/start-next', {});
    expect(started.payload.execution).toMatchObject({ status: 'IN_PROGRESS', approximateSecondsBeforeTimedOut: 60 });
    await dev.subscribeNotifications();

    jest.advanceTimersByTime(MINUTE - 1);
    expect(executionOf('job1').status).toBe('IN_PROGRESS');
    await dev.expectNothingElse();

    jest.advanceTimersByTime(1);
    expect(executionOf('job1')).toMatchObject({ status: 'TIMED_OUT', lastUpdatedAt: NOON_S + 60 });
    const notify = await dev.next();
    expect(notify).toMatchObject({ topic: dev.topic('/notify'), payload: { timestamp: NOON_S + 60, jobs: {} } });
    const next = await dev.next();
    expect(next.topic).toBe(dev.topic('/notify-next'));
    expect(next.payload).toEqual({ timestamp: NOON_S + 60 });

    const late = await dev.request('/job1/update', { status: 'SUCCEEDED' });
    expect(late.payload).toMatchObject({ code: 'InvalidStateTransition', executionState: { status: 'TIMED_OUT', versionNumber: 2 } });
    await dev.expectNothingElse();
    expect(harness.simulator.describeJob({ jobId: 'job1' }).job).toMatchObject({
      status: 'COMPLETED',
      jobProcessDetails: { numberOfTimedOutThings: 1, numberOfInProgressThings: 0 },
    });
  });

  test('the timer starts when the execution starts, not when it is queued', async () => {
    queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 5 } });
    jest.advanceTimersByTime(60 * MINUTE);
    expect(executionOf('job1').status).toBe('QUEUED');
    const dev = await device('t1', false);
    await dev.request('/job1/update', { status: 'IN_PROGRESS' });
    jest.advanceTimersByTime(5 * MINUTE);
    expect(executionOf('job1').status).toBe('TIMED_OUT');
  });
});

describe('step timer', () => {
  test('ten minutes at once: start-next with stepTimeoutInMinutes 10 times out', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    queueJob(harness.simulator, 'job2', ['t1']);
    const dev = await device('t1', false);
    const started = await dev.request('/start-next', { stepTimeoutInMinutes: 10 });
    expect(started.payload.execution).toMatchObject({ jobId: 'job1', approximateSecondsBeforeTimedOut: 600 });
    await dev.subscribeNotifications();
    jest.advanceTimersByTime(10 * MINUTE);
    expect((await dev.next()).payload).toMatchObject({ jobs: { QUEUED: [{ jobId: 'job2' }] } });
    expect((await dev.next()).payload).toMatchObject({ execution: { jobId: 'job2', status: 'QUEUED' } });
    await dev.expectNothingElse();
    expect(executionOf('job1').status).toBe('TIMED_OUT');
  });

  test('capped by the in-progress deadline: the worked example of docs/protocol.md §7.6', async () => {
    queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 20 } });
    const dev = await device('t1', false);
    const remaining = async (): Promise<unknown> => ((await dev.request('/job1/get', { includeJobDocument: false })).payload.execution as Record<string, unknown>).approximateSecondsBeforeTimedOut;

    await dev.request('/start-next', {}); // 12:00, in-progress deadline 12:20
    expect(await remaining()).toBe(20 * 60);
    jest.advanceTimersByTime(5 * MINUTE);
    await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 7 }); // 12:05 → 12:12
    expect(await remaining()).toBe(7 * 60);
    jest.advanceTimersByTime(5 * MINUTE);
    await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 5 }); // 12:10 → 12:15
    expect(await remaining()).toBe(5 * 60);
    jest.advanceTimersByTime(3 * MINUTE);
    await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 9 }); // 12:13 → capped at 12:20
    expect(await remaining()).toBe(7 * 60);

    jest.advanceTimersByTime(7 * MINUTE - 1);
    expect(executionOf('job1').status).toBe('IN_PROGRESS');
    jest.advanceTimersByTime(1);
    expect(executionOf('job1')).toMatchObject({ status: 'TIMED_OUT', lastUpdatedAt: NOON_S + 20 * 60 });
  });

  test('an update without stepTimeoutInMinutes keeps the running step timer', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const dev = await device('t1', false);
    await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 3 });
    jest.advanceTimersByTime(2 * MINUTE);
    await dev.request('/job1/update', { status: 'IN_PROGRESS', statusDetails: { p: '1' } });
    jest.advanceTimersByTime(MINUTE);
    expect(executionOf('job1').status).toBe('TIMED_OUT');
  });

  test('-1 cancels a running step timer; with no step timer it is InvalidRequest', async () => {
    queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 30 } });
    const dev = await device('t1', false);
    await dev.request('/start-next', {});
    const rejected = await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: -1, clientToken: 'neg' });
    expect(rejected.payload).toMatchObject({ code: 'InvalidRequest', clientToken: 'neg' });
    await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 2 });
    const canceled = await dev.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes: -1, includeJobExecutionState: true });
    expect(canceled.topic).toMatch(/accepted$/);
    jest.advanceTimersByTime(29 * MINUTE);
    expect(executionOf('job1').status).toBe('IN_PROGRESS');
    // The in-progress timer still runs.
    expect(executionOf('job1').approximateSecondsBeforeTimedOut).toBe(60);
    jest.advanceTimersByTime(MINUTE);
    expect(executionOf('job1').status).toBe('TIMED_OUT');
  });

  test('a step timer without an in-progress timer; reaching a terminal status ends it', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const dev = await device('t1', false);
    await dev.request('/start-next', { stepTimeoutInMinutes: 1 });
    await dev.request('/job1/update', { status: 'SUCCEEDED' });
    jest.advanceTimersByTime(10 * MINUTE);
    expect(executionOf('job1').status).toBe('SUCCEEDED');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('approximateSecondsBeforeTimedOut', () => {
  test('present while a timer runs (MQTT and control plane), absent without a timer and once terminal', async () => {
    queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
    queueJob(harness.simulator, 'job2', ['t1']);
    const dev = await device('t1', false);
    const queuedReply = await dev.request('/job1/get', {});
    expect(queuedReply.payload.execution).not.toHaveProperty('approximateSecondsBeforeTimedOut');
    await dev.request('/start-next', {});
    jest.advanceTimersByTime(90_500);
    const running = await dev.request('/job1/get', {});
    expect((running.payload.execution as Record<string, unknown>).approximateSecondsBeforeTimedOut).toBe(510);
    expect(executionOf('job1').approximateSecondsBeforeTimedOut).toBe(510);
    await dev.request('/job2/update', { status: 'IN_PROGRESS' });
    expect(((await dev.request('/job2/get', {})).payload.execution as Record<string, unknown>)).not.toHaveProperty('approximateSecondsBeforeTimedOut');
    await dev.request('/job1/update', { status: 'FAILED' });
    expect((await dev.request('/job1/get', {})).payload.execution).not.toHaveProperty('approximateSecondsBeforeTimedOut');
    expect(executionOf('job1')).not.toHaveProperty('approximateSecondsBeforeTimedOut');
  });
});

test('close() cancels every timer', async () => {
  queueJob(harness.simulator, 'job1', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
  const dev = await device('t1', false);
  await dev.request('/start-next', { stepTimeoutInMinutes: 5 });
  harness.simulator.deleteJob({ jobId: 'job1', force: true });
  queueJob(harness.simulator, 'job2', ['t1'], { timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
  await dev.request('/start-next', {});
  expect(jest.getTimerCount()).toBeGreaterThan(0);
  await harness.simulator.close();
  expect(jest.getTimerCount()).toBe(0);
});

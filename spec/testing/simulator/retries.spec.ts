/**
 * jobExecutionsRetryConfig (docs/protocol.md §7.2, §7.4, §9): a FAILED or TIMED_OUT
 * execution with retries left comes back as a new QUEUED execution with
 * `executionNumber` + 1 and `retryAttempt` + 1; the old number still
 * describes the old execution.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyEvent, NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { DOC, ManualClock } from './helpers.js';

let clock: ManualClock;
let sim: JobsSimulator;
let notes: NotifyEvent[];
let nexts: NotifyNextEvent[];

beforeEach(() => {
  clock = new ManualClock();
  sim = new JobsSimulator({ clock });
  sim.createThing({ thingName: 't1' });
  notes = [];
  nexts = [];
  sim.on('notify', (event) => notes.push(event));
  sim.on('notify-next', (event) => nexts.push(event));
});
afterEach(async () => {
  await sim.close();
});

function create(criteriaList: Array<{ failureType: 'FAILED' | 'TIMED_OUT' | 'ALL'; numberOfRetries: number }>, extra: Record<string, unknown> = {}): void {
  sim.createJob({ jobId: 'fw', targets: ['t1'], document: JSON.stringify(DOC), jobExecutionsRetryConfig: { criteriaList }, ...extra });
}

function fail(): void {
  expect(sim.updateJobExecution('t1', 'fw', { status: 'FAILED' })).toEqual({ ok: true, reply: {} });
}

describe('retries', () => {
  test('a FAILED execution comes back QUEUED as execution 2, retryAttempt 1, with notify and notify-next', () => {
    create([{ failureType: 'FAILED', numberOfRetries: 2 }]);
    expect(sim.startNextPendingJobExecution('t1')).toMatchObject({ ok: true, reply: { execution: { executionNumber: 1, versionNumber: 2 } } });
    notes.length = 0;
    nexts.length = 0;
    clock.advance(5000);
    fail();

    expect(nexts).toHaveLength(1);
    expect(nexts[0]!.payload.execution).toMatchObject({ jobId: 'fw', status: 'QUEUED', executionNumber: 2, versionNumber: 1, queuedAt: Math.floor(clock.ms / 1000) });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.payload.jobs).toEqual({ QUEUED: [expect.objectContaining({ jobId: 'fw', executionNumber: 2, versionNumber: 1 })] });

    expect(sim.describeJobExecutionForDevice('t1', 'fw', {})).toMatchObject({ ok: true, reply: { execution: { status: 'QUEUED', executionNumber: 2 } } });
    expect(sim.describeJobExecutionForDevice('t1', 'fw', { executionNumber: 1 })).toMatchObject({ ok: true, reply: { execution: { status: 'FAILED', executionNumber: 1 } } });
    expect(sim.describeJobExecution({ jobId: 'fw', thingName: 't1', executionNumber: 1 }).execution).toMatchObject({ status: 'FAILED', executionNumber: 1 });
    expect(sim.listJobExecutionsForThing({ thingName: 't1' }).executionSummaries).toEqual([
      { jobId: 'fw', jobExecutionSummary: expect.objectContaining({ status: 'QUEUED', executionNumber: 2, retryAttempt: 1 }) },
    ]);
    expect(sim.describeJob({ jobId: 'fw' }).job).toMatchObject({ status: 'IN_PROGRESS', jobProcessDetails: { numberOfQueuedThings: 1, numberOfFailedThings: 0 } });

    // Updating the old execution by its number: it is terminal.
    expect(sim.updateJobExecution('t1', 'fw', { status: 'IN_PROGRESS', executionNumber: 1 })).toMatchObject({
      ok: false,
      error: { code: 'InvalidStateTransition', executionState: { status: 'FAILED' } },
    });
    expect(sim.describeJobExecutionForDevice('t1', 'fw', { executionNumber: 7 })).toMatchObject({ ok: false, error: { code: 'ResourceNotFound' } });
  });

  test('numberOfRetries bounds the attempts; the last failure completes the job', () => {
    create([{ failureType: 'FAILED', numberOfRetries: 2 }]);
    fail();
    fail();
    fail();
    const { execution } = sim.describeJobExecution({ jobId: 'fw', thingName: 't1' });
    expect(execution).toMatchObject({ status: 'FAILED', executionNumber: 3 });
    expect(sim.listJobExecutionsForJob({ jobId: 'fw' }).executionSummaries[0]!.jobExecutionSummary).toMatchObject({ executionNumber: 3, retryAttempt: 2 });
    expect(sim.describeJob({ jobId: 'fw' }).job).toMatchObject({ status: 'COMPLETED', jobProcessDetails: { numberOfFailedThings: 1 } });
  });

  test('TIMED_OUT retries only with a TIMED_OUT or ALL criterion; FAILED is not retried by a TIMED_OUT criterion', () => {
    create([{ failureType: 'TIMED_OUT', numberOfRetries: 1 }], { timeoutConfig: { inProgressTimeoutInMinutes: 1 } });
    sim.startNextPendingJobExecution('t1');
    clock.advance(60_000);
    expect(sim.describeJobExecution({ jobId: 'fw', thingName: 't1' }).execution).toMatchObject({ status: 'QUEUED', executionNumber: 2 });
    expect(sim.describeJobExecution({ jobId: 'fw', thingName: 't1', executionNumber: 1 }).execution.status).toBe('TIMED_OUT');
    fail();
    expect(sim.describeJob({ jobId: 'fw' }).job.status).toBe('COMPLETED');
  });

  test('ALL covers both; SUCCEEDED and REJECTED are never retried; a canceled job does not retry', () => {
    create([{ failureType: 'ALL', numberOfRetries: 5 }]);
    sim.updateJobExecution('t1', 'fw', { status: 'REJECTED' });
    expect(sim.describeJob({ jobId: 'fw' }).job.status).toBe('COMPLETED');

    sim.createJob({ jobId: 'fw2', targets: ['t1'], document: '{}', jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'ALL', numberOfRetries: 5 }] } });
    sim.updateJobExecution('t1', 'fw2', { status: 'IN_PROGRESS' });
    sim.cancelJob({ jobId: 'fw2' });
    sim.updateJobExecution('t1', 'fw2', { status: 'FAILED' });
    expect(sim.describeJobExecution({ jobId: 'fw2', thingName: 't1' }).execution).toMatchObject({ status: 'FAILED', executionNumber: 1 });
  });

  test('without a retry config nothing is retried and retryAttempt is 0', () => {
    sim.createJob({ jobId: 'plain', targets: ['t1'], document: '{}' });
    sim.updateJobExecution('t1', 'plain', { status: 'FAILED' });
    expect(sim.listJobExecutionsForThing({ thingName: 't1' }).executionSummaries[0]!.jobExecutionSummary).toMatchObject({ status: 'FAILED', retryAttempt: 0 });
  });

  test('UpdateJob can add a retry config for failures that come afterwards', () => {
    sim.createJob({ jobId: 'fw', targets: ['t1'], document: '{}' });
    sim.updateJob({ jobId: 'fw', jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] } });
    fail();
    expect(sim.describeJobExecution({ jobId: 'fw', thingName: 't1' }).execution).toMatchObject({ status: 'QUEUED', executionNumber: 2 });
  });
});

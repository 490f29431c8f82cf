/**
 * abortConfig (docs/protocol.md §8, §9): once `minNumberOfExecutedThings` executions
 * have ended, a failure share at or above `thresholdPercentage` cancels the
 * job; only its QUEUED executions are canceled.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { ABORT_REASON_CODE } from '../../../lib/testing/simulator/abort.js';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { ManualClock } from './helpers.js';

const THINGS = ['t1', 't2', 't3', 't4', 't5'];
let sim: JobsSimulator;

beforeEach(() => {
  sim = new JobsSimulator({ clock: new ManualClock() });
  for (const thingName of THINGS) sim.createThing({ thingName });
});
afterEach(async () => {
  await sim.close();
});

function create(failureType: 'FAILED' | 'REJECTED' | 'TIMED_OUT' | 'ALL', thresholdPercentage: number, minNumberOfExecutedThings: number): void {
  sim.createJob({
    jobId: 'rollout',
    targets: THINGS,
    document: '{}',
    abortConfig: { criteriaList: [{ failureType, action: 'CANCEL', thresholdPercentage, minNumberOfExecutedThings }] },
  });
}

const status = (thingName: string): string => sim.describeJobExecution({ jobId: 'rollout', thingName }).execution.status;

describe('abort criteria', () => {
  test('50% FAILED after 2 executed things: the second failure cancels the job and its QUEUED executions, not the IN_PROGRESS one', () => {
    create('FAILED', 50, 2);
    sim.updateJobExecution('t5', 'rollout', { status: 'IN_PROGRESS' });
    sim.updateJobExecution('t1', 'rollout', { status: 'FAILED' });
    // One executed thing is below minNumberOfExecutedThings: nothing happens yet.
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
    const nexts: NotifyNextEvent[] = [];
    sim.on('notify-next', (event) => nexts.push(event));
    sim.updateJobExecution('t2', 'rollout', { status: 'SUCCEEDED' });

    const { job } = sim.describeJob({ jobId: 'rollout' });
    expect(job).toMatchObject({ status: 'CANCELED', reasonCode: ABORT_REASON_CODE, comment: expect.stringContaining('1 of 2') });
    expect(job.forceCanceled).toBeUndefined();
    expect(THINGS.map(status)).toEqual(['FAILED', 'SUCCEEDED', 'CANCELED', 'CANCELED', 'IN_PROGRESS']);
    expect(job.jobProcessDetails).toMatchObject({ numberOfCanceledThings: 2, numberOfInProgressThings: 1 });
    expect(nexts.map((event) => event.thingName).sort()).toEqual(['t2', 't3', 't4']);
  });

  test('below the threshold the job carries on', () => {
    create('FAILED', 50, 2);
    sim.updateJobExecution('t1', 'rollout', { status: 'SUCCEEDED' });
    sim.updateJobExecution('t2', 'rollout', { status: 'SUCCEEDED' });
    sim.updateJobExecution('t3', 'rollout', { status: 'FAILED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
  });

  test('a criterion counts only its own failure type', () => {
    create('REJECTED', 100, 1);
    sim.updateJobExecution('t1', 'rollout', { status: 'FAILED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
    sim.updateJobExecution('t2', 'rollout', { status: 'REJECTED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
    sim.deleteJob({ jobId: 'rollout', force: true });
  });

  test('ALL counts FAILED, REJECTED and TIMED_OUT together', () => {
    create('ALL', 60, 3);
    sim.updateJobExecution('t1', 'rollout', { status: 'FAILED' });
    sim.updateJobExecution('t2', 'rollout', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
    sim.updateJobExecution('t3', 'rollout', { status: 'REJECTED' });
    // 2 of 3 executed things failed: 66.7% >= 60%.
    expect(sim.describeJob({ jobId: 'rollout' }).job).toMatchObject({ status: 'CANCELED', jobProcessDetails: { numberOfCanceledThings: 2 } });
  });

  test('a retried failure is not an executed thing until its retries run out', () => {
    sim.createJob({
      jobId: 'rollout',
      targets: ['t1'],
      document: '{}',
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] },
      abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 100, minNumberOfExecutedThings: 1 }] },
    });
    sim.updateJobExecution('t1', 'rollout', { status: 'FAILED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job.status).toBe('IN_PROGRESS');
    sim.updateJobExecution('t1', 'rollout', { status: 'FAILED' });
    expect(sim.describeJob({ jobId: 'rollout' }).job).toMatchObject({ status: 'CANCELED', reasonCode: ABORT_REASON_CODE });
  });
});

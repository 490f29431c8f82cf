/**
 * The simulator's per-thing indexes (issue 15, item 1): a thing's device
 * requests and notification decisions read that thing's executions only, and
 * a job's completion is decided without rescanning its executions. Counted
 * through property reads on the records of other jobs, not timed.
 */

import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { SimulatorCore } from '../../../lib/testing/simulator/core.js';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { JobRecord } from '../../../lib/testing/simulator/model.js';

const DOCUMENT = JSON.stringify({ operation: 'reboot' });
const OTHER_JOBS = 300;

function coreOf(simulator: JobsSimulator): SimulatorCore {
  return (simulator as unknown as { core: SimulatorCore }).core;
}

/** Counts every read of the job's `status` and every lookup in its executions. */
function watchReads(job: JobRecord, onRead: () => void): void {
  let status = job.status;
  Object.defineProperty(job, 'status', {
    configurable: true,
    get: () => {
      onRead();
      return status;
    },
    set: (value: JobRecord['status']) => {
      status = value;
    },
  });
  const executions = job.executions as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['get', 'has', 'values', 'keys', 'entries', 'forEach']) {
    const original = (executions[method] as (...args: unknown[]) => unknown).bind(executions);
    executions[method] = (...args: unknown[]): unknown => {
      onRead();
      return original(...args);
    };
  }
}

describe('per-thing indexes', () => {
  let simulator: JobsSimulator;
  let otherReads: number;

  beforeEach(() => {
    simulator = new JobsSimulator({ autoCreateThings: true });
    for (let i = 0; i < OTHER_JOBS; i += 1) simulator.createJob({ jobId: `other-${i}`, targets: [`other-thing-${i}`], document: DOCUMENT });
    otherReads = 0;
    for (const job of coreOf(simulator).store.jobs.values()) watchReads(job, () => (otherReads += 1));
  });

  test("a thing's device requests read no other thing's jobs", () => {
    simulator.createJob({ jobId: 'mine-1', targets: ['mine'], document: DOCUMENT });
    simulator.createJob({ jobId: 'mine-2', targets: ['mine'], document: DOCUMENT });
    otherReads = 0;

    const pending = simulator.getPendingJobExecutions('mine', {});
    const started = simulator.startNextPendingJobExecution('mine', {});
    const described = simulator.describeJobExecutionForDevice('mine', '$next', {});
    const updated = simulator.updateJobExecution('mine', 'mine-1', { status: 'SUCCEEDED', expectedVersion: 2 });
    const next = simulator.describeJobExecutionForDevice('mine', '$next', {});

    expect(pending).toMatchObject({ ok: true, reply: { queuedJobs: [{ jobId: 'mine-1' }, { jobId: 'mine-2' }] } });
    expect(started).toMatchObject({ ok: true, reply: { execution: { jobId: 'mine-1', status: 'IN_PROGRESS' } } });
    expect(described).toMatchObject({ ok: true, reply: { execution: { jobId: 'mine-1' } } });
    expect(updated.ok).toBe(true);
    expect(next).toMatchObject({ ok: true, reply: { execution: { jobId: 'mine-2', status: 'QUEUED' } } });
    expect(otherReads).toBe(0);
  });

  test("CreateJob's fan-out and its notifications read no other job", () => {
    const notified: string[] = [];
    simulator.on('notify', (event) => notified.push(event.thingName));
    const targets = Array.from({ length: 50 }, (_, i) => `fan-${i}`);
    simulator.createJob({ jobId: 'fan', targets, document: DOCUMENT });
    expect(notified).toEqual(targets);
    expect(otherReads).toBe(0);
  });

  test('control-plane changes of one thing read no other job', () => {
    simulator.createJob({ jobId: 'mine-1', targets: ['mine'], document: DOCUMENT });
    otherReads = 0;
    expect(simulator.listJobExecutionsForThing({ thingName: 'mine' }).executionSummaries.map((entry) => entry.jobId)).toEqual(['mine-1']);
    simulator.cancelJobExecution({ jobId: 'mine-1', thingName: 'mine' });
    simulator.createJob({ jobId: 'mine-2', targets: ['mine'], document: DOCUMENT });
    simulator.deleteThing({ thingName: 'mine' });
    expect(simulator.describeJobExecution({ jobId: 'mine-2', thingName: 'mine' }).execution.status).toBe('REMOVED');
    expect(otherReads).toBe(0);
  });
});

describe('job completion', () => {
  test("a SNAPSHOT job completes with its last execution, without rescanning the job's executions per update", () => {
    const simulator = new JobsSimulator({ autoCreateThings: true });
    const targets = Array.from({ length: 200 }, (_, i) => `thing-${i}`);
    simulator.createJob({ jobId: 'wide', targets, document: DOCUMENT });
    const job = coreOf(simulator).store.jobs.get('wide') as JobRecord;
    let scans = 0;
    const executions = job.executions as Map<string, unknown> & { values: () => IterableIterator<unknown> };
    const values = executions.values.bind(executions);
    executions.values = () => {
      scans += 1;
      return values();
    };

    for (const [i, thingName] of targets.entries()) {
      expect(simulator.updateJobExecution(thingName, 'wide', { status: 'IN_PROGRESS' }).ok).toBe(true);
      expect(simulator.updateJobExecution(thingName, 'wide', { status: 'SUCCEEDED' }).ok).toBe(true);
      if (i === targets.length - 2) expect(simulator.listJobs({ status: 'IN_PROGRESS' }).jobs.map((summary) => summary.jobId)).toEqual(['wide']);
    }
    expect(simulator.listJobs({ status: 'COMPLETED' }).jobs.map((summary) => summary.jobId)).toEqual(['wide']);
    expect(scans).toBe(0);
  });
});

describe('index upkeep', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a deleted job leaves the indexes; a new job with the same id is indexed afresh', () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const simulator = new JobsSimulator({ autoCreateThings: true });
    simulator.createJob({ jobId: 'again', targets: ['a', 'b'], document: DOCUMENT });
    simulator.createJob({ jobId: 'later', targets: ['a'], document: DOCUMENT });
    simulator.deleteJob({ jobId: 'again', force: true });
    expect(simulator.describeJobExecutionForDevice('a', '$next', {})).toMatchObject({ ok: true, reply: { execution: { jobId: 'later' } } });
    jest.advanceTimersByTime(0); // deletionDelayMs 0: the next timer tick
    expect(() => simulator.describeJob({ jobId: 'again' })).toThrow(/cannot be found/);
    simulator.createJob({ jobId: 'again', targets: ['b', 'a'], document: DOCUMENT });
    expect(simulator.listJobExecutionsForThing({ thingName: 'a' }).executionSummaries.map((entry) => entry.jobId)).toEqual(['later', 'again']);
    expect(simulator.getPendingJobExecutions('a', {})).toMatchObject({ ok: true, reply: { queuedJobs: [{ jobId: 'later' }, { jobId: 'again' }] } });
    expect(simulator.getPendingJobExecutions('b', {})).toMatchObject({ ok: true, reply: { queuedJobs: [{ jobId: 'again' }] } });
  });
});

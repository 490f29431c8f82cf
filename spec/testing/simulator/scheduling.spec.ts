/**
 * Scheduled jobs (docs/protocol.md §8, §9): SCHEDULED and invisible to devices until
 * `startTime`, AWS's validation, and `endBehavior` at `endTime`, on the
 * simulator's clock.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { DOC, ManualClock, refusal } from './helpers.js';

/** 2024-07-02T17:17:12.789Z */
const NOW_MS = 1_719_940_632_789;
const MINUTE = 60_000;

let sim: JobsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  jest.useRealTimers();
});

function start(clock = new ManualClock(NOW_MS)): { sim: JobsSimulator; clock: ManualClock } {
  sim = new JobsSimulator({ clock });
  for (const thingName of ['t1', 't2']) sim.createThing({ thingName });
  return { sim, clock };
}


const job = (schedulingConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  jobId: 'later',
  targets: ['t1', 't2'],
  document: JSON.stringify(DOC),
  schedulingConfig,
  ...extra,
});

describe('startTime', () => {
  test('the job is SCHEDULED, with no execution and no notification, until startTime; then IN_PROGRESS and queued', () => {
    const { sim, clock } = start();
    const nexts: NotifyNextEvent[] = [];
    sim.on('notify-next', (event) => nexts.push(event));
    // 2024-07-04T09:00Z: about 40 hours ahead.
    sim.createJob(job({ startTime: '2024-07-04T09:00' }) as never);
    const startMs = Date.UTC(2024, 6, 4, 9, 0);

    expect(sim.describeJob({ jobId: 'later' }).job).toMatchObject({ status: 'SCHEDULED', schedulingConfig: { startTime: '2024-07-04T09:00' } });
    expect(sim.listJobs({ status: 'SCHEDULED' }).jobs.map((entry) => entry.jobId)).toEqual(['later']);
    expect(sim.getPendingJobExecutions('t1')).toEqual({ ok: true, reply: { inProgressJobs: [], queuedJobs: [] } });
    expect(sim.startNextPendingJobExecution('t1')).toEqual({ ok: true, reply: {} });
    expect(sim.listJobExecutionsForJob({ jobId: 'later' }).executionSummaries).toEqual([]);
    expect(sim.describeJob({ jobId: 'later' }).job.jobProcessDetails.numberOfQueuedThings).toBe(0);
    expect(nexts).toEqual([]);

    clock.advance(startMs - NOW_MS - 1);
    expect(sim.describeJob({ jobId: 'later' }).job.status).toBe('SCHEDULED');
    clock.advance(1);
    expect(sim.describeJob({ jobId: 'later' }).job).toMatchObject({ status: 'IN_PROGRESS', lastUpdatedAt: startMs / 1000 });
    expect(nexts.map((event) => [event.thingName, event.payload.execution?.jobId])).toEqual([
      ['t1', 'later'],
      ['t2', 'later'],
    ]);
    const pending = sim.getPendingJobExecutions('t1');
    expect(pending).toEqual({ ok: true, reply: { inProgressJobs: [], queuedJobs: [expect.objectContaining({ jobId: 'later', queuedAt: startMs / 1000 })] } });
    expect(sim.describeJob({ jobId: 'later' }).job.jobProcessDetails.numberOfQueuedThings).toBe(2);
  });

  test('a scheduled job can be canceled (it never starts) or force-deleted; plain DeleteJob needs force', () => {
    const { sim, clock } = start();
    sim.createJob(job({ startTime: '2024-07-04T09:00' }) as never);
    expect(refusal(() => sim.deleteJob({ jobId: 'later' })).code).toBe('InvalidStateTransitionException');
    sim.cancelJob({ jobId: 'later' });
    clock.advance(3 * 24 * 60 * MINUTE);
    expect(sim.describeJob({ jobId: 'later' }).job.status).toBe('CANCELED');
    expect(sim.getPendingJobExecutions('t1')).toEqual({ ok: true, reply: { inProgressJobs: [], queuedJobs: [] } });
  });

  test('a thing deleted before the start gets no execution', () => {
    const { sim, clock } = start();
    sim.createJob(job({ startTime: '2024-07-04T09:00' }) as never);
    sim.deleteThing({ thingName: 't2' });
    clock.advance(2 * 24 * 60 * MINUTE);
    expect(sim.listJobExecutionsForJob({ jobId: 'later' }).executionSummaries.map((entry) => entry.thingArn)).toEqual([
      'arn:aws:iot:us-east-1:123456789012:thing/t1',
    ]);
  });

  test('with jest fake timers and the system clock, a start more than 24.8 days ahead (beyond one setTimeout) still fires on time', () => {
    jest.useFakeTimers({ now: NOW_MS });
    sim = new JobsSimulator();
    sim.createThing({ thingName: 't1' });
    // 2025-03-01T00:00Z: about 242 days ahead.
    sim.createJob({ jobId: 'far', targets: ['t1'], document: JSON.stringify(DOC), schedulingConfig: { startTime: '2025-03-01T00:00' } });
    const startMs = Date.UTC(2025, 2, 1);
    jest.advanceTimersByTime(startMs - NOW_MS - 1);
    expect(sim.describeJob({ jobId: 'far' }).job.status).toBe('SCHEDULED');
    jest.advanceTimersByTime(1);
    expect(sim.describeJob({ jobId: 'far' }).job.status).toBe('IN_PROGRESS');
  });
});

describe("AWS's validation", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['YYYY-MM-DDTHH:MM', { startTime: '2024-07-04 09:00' }],
    ['YYYY-MM-DDTHH:MM', { startTime: 1720083600 }],
    ['not a valid date', { startTime: '2024-02-30T09:00' }],
    ['at least 30 minutes', { startTime: '2024-07-02T17:40' }],
    ['at most one year', { startTime: '2025-07-03T00:00' }],
    ['endTime must be at least 30 minutes after startTime', { startTime: '2024-07-04T09:00', endTime: '2024-07-04T09:29' }],
    ['endTime must be at least 30 minutes from the current time', { endTime: '2024-07-02T17:30' }],
    ['endTime must be at most two years', { endTime: '2026-08-01T00:00' }],
    ['endBehavior', { endTime: '2024-07-04T09:00', endBehavior: 'PAUSE' }],
  ];
  test.each(cases)('%s', (message, schedulingConfig) => {
    const { sim } = start();
    const error = refusal(() => sim.createJob(job(schedulingConfig) as never));
    expect(error.code).toBe('InvalidRequestException');
    expect(error.message).toContain(message);
    expect(sim.listJobs().jobs).toEqual([]);
  });
});

describe('endTime and endBehavior', () => {
  function runToEnd(endBehavior: string | undefined): JobsSimulator {
    const { sim, clock } = start();
    sim.createJob(job({ endTime: '2024-07-02T18:00', ...(endBehavior === undefined ? {} : { endBehavior }) }) as never);
    expect(sim.describeJob({ jobId: 'later' }).job.status).toBe('IN_PROGRESS');
    sim.updateJobExecution('t1', 'later', { status: 'IN_PROGRESS' });
    clock.advance(Date.UTC(2024, 6, 2, 18, 0) - NOW_MS);
    return sim;
  }
  const statuses = (sim: JobsSimulator): Record<string, string> =>
    Object.fromEntries(['t1', 't2'].map((thingName) => [thingName, sim.describeJobExecution({ jobId: 'later', thingName }).execution.status]));

  test('STOP_ROLLOUT (the default): executions already queued carry on', () => {
    const sim = runToEnd(undefined);
    expect(sim.describeJob({ jobId: 'later' }).job.status).toBe('IN_PROGRESS');
    expect(statuses(sim)).toEqual({ t1: 'IN_PROGRESS', t2: 'QUEUED' });
  });

  test('CANCEL: the job is CANCELED, QUEUED executions CANCELED, IN_PROGRESS ones carry on', () => {
    const sim = runToEnd('CANCEL');
    expect(sim.describeJob({ jobId: 'later' }).job).toMatchObject({ status: 'CANCELED', schedulingConfig: { endBehavior: 'CANCEL' } });
    expect(statuses(sim)).toEqual({ t1: 'IN_PROGRESS', t2: 'CANCELED' });
  });

  test('FORCE_CANCEL: every pending execution is CANCELED', () => {
    const sim = runToEnd('FORCE_CANCEL');
    expect(sim.describeJob({ jobId: 'later' }).job).toMatchObject({ status: 'CANCELED', forceCanceled: true });
    expect(statuses(sim)).toEqual({ t1: 'CANCELED', t2: 'CANCELED' });
  });
});

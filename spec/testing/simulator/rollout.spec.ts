/**
 * jobExecutionsRolloutConfig (docs/protocol.md §8, §9): executions released over
 * simulated minutes; `processingTargets` and `isConcurrent` while they are.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { SimulatorError } from '../../../lib/testing/simulator/simulator-error.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { ManualClock } from './helpers.js';

const THINGS = Array.from({ length: 10 }, (_, index) => `t${index}`);
let clock: ManualClock;
let sim: JobsSimulator;
let nexts: NotifyNextEvent[];

beforeEach(() => {
  clock = new ManualClock();
  sim = new JobsSimulator({ clock });
  for (const thingName of THINGS) sim.createThing({ thingName });
  nexts = [];
  sim.on('notify-next', (event) => nexts.push(event));
});
afterEach(async () => {
  await sim.close();
});

const queuedCount = (): number => sim.describeJob({ jobId: 'r' }).job.jobProcessDetails.numberOfQueuedThings;

describe('rollout rates', () => {
  test('maximumPerMinute 3: three things notified now and three more each simulated minute; processingTargets until done', () => {
    sim.createJob({ jobId: 'r', targets: THINGS, document: '{}', jobExecutionsRolloutConfig: { maximumPerMinute: 3 } });
    expect(nexts.map((event) => event.thingName)).toEqual(['t0', 't1', 't2']);
    expect(sim.getPendingJobExecutions('t3')).toEqual({ ok: true, reply: { inProgressJobs: [], queuedJobs: [] } });
    const { job } = sim.describeJob({ jobId: 'r' });
    expect(job).toMatchObject({ isConcurrent: true, jobExecutionsRolloutConfig: { maximumPerMinute: 3 } });
    expect(job.jobProcessDetails.processingTargets).toHaveLength(10);

    clock.advance(59_999);
    expect(queuedCount()).toBe(3);
    clock.advance(1);
    expect(queuedCount()).toBe(6);
    clock.advance(2 * 60_000);
    expect(queuedCount()).toBe(10);
    const done = sim.describeJob({ jobId: 'r' }).job;
    expect(done.isConcurrent).toBe(false);
    expect(done.jobProcessDetails.processingTargets).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  test('a SNAPSHOT job whose first batch all succeeded is not COMPLETED while targets wait', () => {
    sim.createJob({ jobId: 'r', targets: ['t0', 't1'], document: '{}', jobExecutionsRolloutConfig: { maximumPerMinute: 1 } });
    sim.updateJobExecution('t0', 'r', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'r' }).job.status).toBe('IN_PROGRESS');
    clock.advance(60_000);
    sim.updateJobExecution('t1', 'r', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'r' }).job.status).toBe('COMPLETED');
  });

  test('exponentialRate: base 1, factor 2 after each notified thing, capped by maximumPerMinute 3', () => {
    sim.createJob({
      jobId: 'r',
      targets: THINGS,
      document: '{}',
      jobExecutionsRolloutConfig: { maximumPerMinute: 3, exponentialRate: { baseRatePerMinute: 1, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
    });
    const counts = [queuedCount()];
    for (let minute = 0; minute < 4; minute += 1) {
      clock.advance(60_000);
      counts.push(queuedCount());
    }
    expect(counts).toEqual([1, 3, 6, 9, 10]);
  });

  test('exponentialRate on succeeded things: the rate grows only once enough executions succeeded', () => {
    sim.createJob({
      jobId: 'r',
      targets: THINGS,
      document: '{}',
      jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 2, incrementFactor: 1.5, rateIncreaseCriteria: { numberOfSucceededThings: 2 } } },
    });
    clock.advance(60_000);
    expect(queuedCount()).toBe(4);
    for (const thingName of ['t0', 't1']) sim.updateJobExecution(thingName, 'r', { status: 'SUCCEEDED' });
    clock.advance(60_000);
    // 2 more at the old rate, then the rate becomes 3.
    expect(sim.listJobExecutionsForJob({ jobId: 'r' }).executionSummaries).toHaveLength(6);
    clock.advance(60_000);
    expect(sim.listJobExecutionsForJob({ jobId: 'r' }).executionSummaries).toHaveLength(9);
  });

  test('a scheduled job rolls out from its startTime; UpdateJob changes the rate of the batches still to come', () => {
    // The manual clock starts at 2024-07-02T17:17:12.789Z.
    sim.createJob({ jobId: 'r', targets: THINGS, document: '{}', schedulingConfig: { startTime: '2024-07-02T18:00' }, jobExecutionsRolloutConfig: { maximumPerMinute: 2 } });
    clock.advance(Date.UTC(2024, 6, 2, 18, 0) - clock.ms);
    expect(queuedCount()).toBe(2);
    sim.updateJob({ jobId: 'r', jobExecutionsRolloutConfig: { maximumPerMinute: 5 } });
    clock.advance(60_000);
    expect(queuedCount()).toBe(7);
    clock.advance(60_000);
    expect(queuedCount()).toBe(10);
  });

  test('cancel stops the rollout; bad configs are InvalidRequestException', () => {
    sim.createJob({ jobId: 'r', targets: THINGS, document: '{}', jobExecutionsRolloutConfig: { maximumPerMinute: 2 } });
    sim.cancelJob({ jobId: 'r' });
    clock.advance(10 * 60_000);
    expect(sim.listJobExecutionsForJob({ jobId: 'r' }).executionSummaries).toHaveLength(2);
    for (const config of [
      { maximumPerMinute: 0 },
      { maximumPerMinute: 1001 },
      { exponentialRate: { baseRatePerMinute: 1, incrementFactor: 1.05, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
      { exponentialRate: { baseRatePerMinute: 1, incrementFactor: 2, rateIncreaseCriteria: {} } },
    ]) {
      let caught: unknown;
      try {
        sim.createJob({ jobId: 'bad', targets: ['t0'], document: '{}', jobExecutionsRolloutConfig: config });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SimulatorError);
      expect((caught as SimulatorError).message).toMatch(/jobExecutionsRolloutConfig|rateIncreaseCriteria/);
    }
  });
});

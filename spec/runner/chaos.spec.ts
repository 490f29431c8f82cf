/**
 * Many jobs through one runner under the simulator's fault injection: lost,
 * duplicated and delayed replies, throttles, internal errors and dropped
 * connections, on fake time. Every job must end in the status its handler
 * chose, each handler must run once, and nothing may be left in the outbox.
 *
 * `npm test` runs 400 jobs; `npm run chaos:runner` runs 1,000 jobs for each of
 * five seeds (RUNNER_CHAOS_JOBS and RUNNER_CHAOS_SEEDS set them). The seed is
 * printed with every result and on failure; RUNNER_CHAOS_SEEDS=<seed> replays it.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import { ChaosInjector, mulberry32 } from './chaos-faults.js';
import { RunnerBed, record, settle } from './support.js';
import { jest } from '@jest/globals';

const JOBS = Number(process.env.RUNNER_CHAOS_JOBS ?? 400);
const SEEDS = (process.env.RUNNER_CHAOS_SEEDS ?? String(Date.now() % 1_000_000)).split(',').map(Number);
const PENDING_AT_ONCE = 8;

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

/** What the handler of job i decides. */
function expected(i: number): { status: 'SUCCEEDED' | 'FAILED' | 'REJECTED'; details: Record<string, string> } {
  if (i % 5 === 3) return { status: 'FAILED', details: { reason: `broken ${i}` } };
  if (i % 7 === 5) return { status: 'REJECTED', details: { reason: `refused ${i}` } };
  return { status: 'SUCCEEDED', details: { done: String(i) } };
}

test.each(SEEDS)(`${JOBS} jobs under drops, duplicates, delays, throttles and disconnects all end in the handler's status (seed %i)`, async (SEED) => {
  const random = mulberry32(SEED);
  const store = new MemoryStatusStore();
  const { thing, connection } = await bed.connect('t1', { reconnectPeriod: 300 });
  const runs = new Map<string, number>();
  runner = runJobs(
    thing,
    {
      work: async ({ job, progress, reject }) => {
        runs.set(job.jobId, (runs.get(job.jobId) ?? 0) + 1);
        const i = Number(job.jobId.slice(4));
        if (i % 2 === 0) progress({ step: 'half' });
        await Promise.resolve();
        const outcome = expected(i);
        if (outcome.status === 'FAILED') throw new Error(outcome.details.reason);
        if (outcome.status === 'REJECTED') reject(outcome.details.reason!);
        return outcome.details;
      },
    },
    { store, timeoutMs: 2_000, retryDelayMs: 200, maxRetryDelayMs: 2_000, pollMs: 5_000, progressIntervalMs: 100 },
  );
  const seen = record(runner);
  const finished = new Set<string>();
  runner.events.on('finished', ({ jobId }) => finished.add(jobId));

  let created = 0;
  // About one request in ten meets a fault; about one in a hundred ends the connection.
  const chaos = new ChaosInjector(bed.env, 't1', random, { faultRate: 0.1, disconnectRate: 0.01 });
  try {
    for (let step = 0; finished.size < JOBS; step++) {
      if (step > JOBS * 400) throw new Error(`stuck: ${finished.size}/${JOBS} finished after ${step} steps`);
      while (created < JOBS && created - finished.size < PENDING_AT_ONCE) {
        bed.createJob(`job-${created}`, ['t1'], { operation: 'work' });
        created++;
      }
      await settle(10);
      jest.advanceTimersByTime(50);
      if (process.env.RUNNER_CHAOS_TRACE !== undefined && step % 500 === 0) process.stdout.write(`step ${step}: finished ${finished.size}, created ${created}, running ${runner.running.join(',')}, outbox ${runner.outboxSize}, connected ${connection.connected}, subscriptions ${runner.jobs.client.subscriptionCount}\n`);
    }
  } catch (error) {
    throw new Error(`seed ${SEED}: ${String(error)}`, { cause: error });
  }

  for (let i = 0; i < JOBS; i++) {
    const { status, details } = expected(i);
    const execution = bed.execution(`job-${i}`, 't1');
    expect({ job: i, seed: SEED, status: execution.status, details: execution.statusDetails?.detailsMap }).toEqual({ job: i, seed: SEED, status, details });
    expect({ job: i, seed: SEED, runs: runs.get(`job-${i}`) }).toEqual({ job: i, seed: SEED, runs: 1 });
  }
  expect(store.size).toBe(0);
  expect(seen.filter((e) => e.type === 'finished')).toHaveLength(JOBS);
  expect(seen.filter((e) => e.type === 'canceled')).toHaveLength(0);
  // The faults really happened.
  expect(Object.keys(chaos.injected).length).toBeGreaterThanOrEqual(10);
  chaos.stop();
  process.stdout.write(
    `runner chaos: seed ${SEED}, ${JOBS} jobs, ${chaos.requests} requests, faults ${JSON.stringify(chaos.injected)}, errors reported ${seen.filter((e) => e.type === 'error').length}\n`,
  );
}, 300_000);

/**
 * Step-timer heartbeat: with `stepTimeoutInMinutes`, the runner starts the
 * execution with that step timer and renews it while the handler runs.
 * Simulated minutes pass on jest fake timers, which drive the simulator too.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import type { JobContext } from '../../lib/runner/handlers.js';
import { MINUTE, RunnerBed, settle, until } from './support.js';

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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

test('a handler that runs 5 simulated minutes, silent, under a 1-minute step timer never times out', async () => {
  bed.createJob('long', ['t1'], { operation: 'flash' });
  const { thing } = await bed.connect('t1');
  let done = false;
  runner = runJobs(
    thing,
    {
      flash: async ({ signal }) => {
        await sleep(5 * MINUTE, signal);
        done = true;
        return { flashed: 'yes' };
      },
    },
    { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1 },
  );
  await until(() => bed.execution('long', 't1').status === 'SUCCEEDED', 'succeeded', { stepMs: 1_000 });
  expect(done).toBe(true);
  const beats = bed.updatesOf('long').filter((u) => u.status === 'IN_PROGRESS');
  // Renewed every 20 s (a third of the step): the service never saw a gap of a minute.
  expect(beats.length).toBeGreaterThanOrEqual(14);
  expect(beats.every((u) => u.stepTimeoutInMinutes === 1)).toBe(true);
  const times = [bed.updatesOf('long')[0]!.at, ...beats.map((u) => u.at)];
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThan(MINUTE);
});

test('with livenessMs, a handler that reports progress for 5 minutes never times out; one that hangs does (TIMED_OUT, its signal aborts)', async () => {
  bed.createJob('alive', ['t1'], { operation: 'work' });
  bed.createJob('hung', ['t1'], { operation: 'hang' });
  const { thing } = await bed.connect('t1');
  const contexts: JobContext[] = [];
  runner = runJobs(
    thing,
    {
      work: async ({ progress, signal }) => {
        for (let i = 1; i <= 10; i++) {
          await sleep(30_000, signal);
          progress({ part: `${i}/10` });
        }
        return { worked: 'yes' };
      },
      hang: (context) => {
        contexts.push(context);
        return new Promise(() => undefined); // stuck on an await for ever
      },
    },
    { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1, livenessMs: 45_000 },
  );
  await until(() => bed.execution('alive', 't1').status === 'SUCCEEDED', 'the live one succeeded', { stepMs: 1_000 });
  expect(bed.execution('alive', 't1').statusDetails?.detailsMap).toEqual({ worked: 'yes' });
  await until(() => contexts.length === 1, 'the hung one runs', { stepMs: 1_000 });
  const started = Date.now();
  await until(() => contexts[0]!.signal.aborted, 'the hung one times out', { stepMs: 1_000 });
  expect(bed.execution('hung', 't1').status).toBe('TIMED_OUT');
  expect(contexts[0]!.signal.reason).toMatchObject({ status: 'TIMED_OUT' });
  expect(Date.now() - started).toBeLessThanOrEqual(2 * MINUTE);
});

test('without livenessMs, a runner whose process hangs (no heartbeat reaches the service) times out after one step', async () => {
  bed.createJob('job', ['t1'], { operation: 'work' });
  const { thing, connection } = await bed.connect('t1');
  runner = runJobs(thing, { work: () => new Promise(() => undefined) }, { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1 });
  await until(() => bed.updatesOf('job').length > 0 || bed.execution('job', 't1').status === 'IN_PROGRESS', 'started');
  await settle();
  await connection.end(true); // the process is gone as far as the service can tell
  const cut = Date.now();
  await until(() => bed.execution('job', 't1').status === 'TIMED_OUT', 'timed out', { stepMs: 1_000 });
  expect(Date.now() - cut).toBeLessThanOrEqual(MINUTE);
});

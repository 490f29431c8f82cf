/**
 * Progress is coalesced to one update per interval, the last one always
 * delivered, versions chained; bad input is refused before anything is sent.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { InvalidArgumentError } from '../../lib/errors.js';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import type { JobContext } from '../../lib/runner/handlers.js';
import { RunnerBed, record, settle, until } from './support.js';

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

test('100 progress calls over 5 s become at most one update a second; the last one is delivered; no VersionMismatch', async () => {
  bed.createJob('fw', ['t1'], { operation: 'flash' });
  const { thing } = await bed.connect('t1');
  let context: JobContext | undefined;
  let finish!: () => void;
  runner = runJobs(
    thing,
    {
      flash: (c) => {
        context = c;
        return new Promise<{ done: string }>((resolve) => (finish = () => resolve({ done: 'yes' })));
      },
    },
    { store: new MemoryStatusStore(), progressIntervalMs: 1_000 },
  );
  const seen = record(runner);
  await until(() => context !== undefined, 'running');
  for (let i = 1; i <= 100; i++) {
    context!.progress({ percent: String(i) });
    jest.advanceTimersByTime(50);
    await settle();
  }
  await until(() => seen.filter((e) => e.type === 'progress').at(-1)?.event !== undefined && bed.execution('fw', 't1').statusDetails?.detailsMap?.percent === '100', 'the last progress lands', { stepMs: 100 });
  const progress = bed.updatesOf('fw').filter((u) => u.status === 'IN_PROGRESS');
  expect(progress.length).toBeLessThanOrEqual(6);
  expect(progress.length).toBeGreaterThanOrEqual(5);
  // Spaced by the interval (seen at the broker, up to one 50 ms driver step late).
  for (let i = 1; i < progress.length; i++) expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(950);
  expect(progress.at(-1)!.statusDetails).toEqual({ percent: '100' });
  expect(seen.filter((e) => e.type === 'error')).toEqual([]);
  finish();
  await until(() => bed.execution('fw', 't1').status === 'SUCCEEDED', 'done');
  // Queued 1, started 2, one version per progress update, one for the final status: every update chained.
  expect(bed.execution('fw', 't1').versionNumber).toBe(2 + progress.length + 1);
});

test('a progress still waiting for its interval when the handler returns is sent before the final status', async () => {
  bed.createJob('fw', ['t1'], { operation: 'flash' });
  const { thing } = await bed.connect('t1');
  runner = runJobs(
    thing,
    {
      flash: ({ progress }) => {
        progress({ step: '1' });
        progress({ step: '2' });
        return { done: 'yes' };
      },
    },
    { store: new MemoryStatusStore(), progressIntervalMs: 60_000 },
  );
  await until(() => bed.execution('fw', 't1').status === 'SUCCEEDED', 'done');
  expect(bed.updatesOf('fw').map((u) => [u.status, u.statusDetails])).toEqual([
    ['IN_PROGRESS', { step: '1' }],
    ['IN_PROGRESS', { step: '2' }],
    ['SUCCEEDED', { done: 'yes' }],
  ]);
});

test('bad options and bad progress details are refused with InvalidArgumentError before anything is sent', async () => {
  const { thing } = await bed.connect('t1');
  const store = new MemoryStatusStore();
  expect(() => runJobs(thing, {}, { store, concurrency: 0 })).toThrow(InvalidArgumentError);
  expect(() => runJobs(thing, {}, { store, stepTimeoutInMinutes: 0 })).toThrow(InvalidArgumentError);
  expect(() => runJobs(thing, {}, { store, progressIntervalMs: -1 })).toThrow(InvalidArgumentError);
  expect(() => runJobs(thing, {}, { store, signal: 'x' as unknown as AbortSignal })).toThrow(InvalidArgumentError);
  expect(() => runJobs(thing, null as unknown as Record<string, never>, { store })).toThrow(InvalidArgumentError);
  expect(() => runJobs(thing, {}, null as unknown as object)).toThrow(InvalidArgumentError);
  expect(bed.updates).toEqual([]);

  bed.createJob('fw', ['t1'], { operation: 'flash' });
  runner = runJobs(
    thing,
    {
      flash: ({ progress }) => {
        progress({ 'bad key!': 'x' });
      },
    },
    { store },
  );
  await until(() => bed.execution('fw', 't1').status === 'FAILED', 'failed');
  expect(bed.execution('fw', 't1').statusDetails?.detailsMap?.reason).toMatch(/^Invalid statusDetails key/);
  expect(bed.updatesOf('fw').map((u) => u.status)).toEqual(['FAILED']);
});

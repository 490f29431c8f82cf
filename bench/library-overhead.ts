/**
 * The library's own cost per call, with no broker and no simulator: every
 * call runs over an {@link EchoConnection} that answers at once, and the floor
 * is a bare publish-and-await over the same kind of connection. The overhead
 * column (ours minus floor, in microseconds) is the library's work alone:
 * validation, encoding, correlation, the deadline, decoding, and for `Job`
 * the per-thing lock and the state it keeps. Targets (issue 11): at most
 * 15 µs per JobsClient call and 20 µs per Job call on a 2-core machine.
 *
 * Run: `tsx --expose-gc bench/library-overhead.ts [--tiny]`
 */

import pTimeout from 'p-timeout';
import { settleWithin } from '../lib/client/deadline.js';
import { Deferred } from '../lib/client/deferred.js';
import { JobsClient } from '../lib/client/jobs-client.js';
import { Job } from '../lib/job.js';
import { Jobs } from '../lib/jobs.js';
import { describeTopic, getPendingTopic, updateTopic } from '../lib/protocol/topics.js';
import { Thing } from '../lib/thing.js';
import { benchSize, bySize, fmt, printContext, printTable } from './support/common.js';
import { sampleInterleaved, type TimedOperation } from './support/compare.js';
import { EchoConnection, EchoFloor } from './support/echo-connection.js';
import { DOCUMENT } from './support/environment.js';

const size = benchSize();
const plan = bySize(size, { warmup: 50, rounds: 1, block: 50 }, { warmup: 5_000, rounds: 20, block: 1_000 });
const JOB_ID = 'bench-job';
const THING = 'bench-thing';
const TARGETS = { client: 15, job: 20 };

/** [ours, floor, target in µs]. */
const PAIRS: ReadonlyArray<readonly [string, string, number]> = [
  ['client.describeJobExecution', 'floor describe', TARGETS.client],
  ['client.updateJobExecution', 'floor update', TARGETS.client],
  ['client.getPendingJobExecutions', 'floor get pending', TARGETS.client],
  ['job.describe()', 'floor describe', TARGETS.job],
  ['job.update(IN_PROGRESS)', 'floor update (same body)', TARGETS.job],
];

const clientConnection = new EchoConnection(JSON.parse(DOCUMENT) as Record<string, unknown>);
const faceConnection = new EchoConnection(JSON.parse(DOCUMENT) as Record<string, unknown>);
const floorConnection = new EchoConnection(JSON.parse(DOCUMENT) as Record<string, unknown>);
const client = new JobsClient(clientConnection);
await client.watch(THING);
const jobs = new Jobs(new Thing(THING, faceConnection));
await jobs.ready;
const job = await jobs.startNext();
if (job === undefined) throw new Error('no job');
const floor = new EchoFloor(floorConnection);
const progress = { step: 'downloading' };
let floorVersion = 2;

const operations: TimedOperation[] = [
  { name: 'floor describe', run: () => floor.request(describeTopic(THING, JOB_ID), { includeJobDocument: true }) },
  { name: 'floor get pending', run: () => floor.request(getPendingTopic(THING), {}) },
  { name: 'floor update', run: () => floor.request(updateTopic(THING, JOB_ID), { status: 'IN_PROGRESS', statusDetails: progress }) },
  {
    // The body job.update() sends: versioned, with the execution number and the state asked back.
    name: 'floor update (same body)',
    run: async () => {
      const reply = await floor.request(updateTopic(THING, JOB_ID), {
        status: 'IN_PROGRESS',
        statusDetails: progress,
        expectedVersion: floorVersion,
        executionNumber: 1,
        includeJobExecutionState: true,
      });
      floorVersion = (reply.executionState as { versionNumber: number }).versionNumber;
    },
  },
  { name: 'client.describeJobExecution', run: () => client.describeJobExecution(THING, JOB_ID, { includeJobDocument: true }) },
  { name: 'client.updateJobExecution', run: () => client.updateJobExecution(THING, JOB_ID, { status: 'IN_PROGRESS', statusDetails: progress }) },
  { name: 'client.getPendingJobExecutions', run: () => client.getPendingJobExecutions(THING) },
  { name: 'job.describe()', run: async () => assertTrue(await job.describe(), job) },
  { name: 'job.update(IN_PROGRESS)', run: async () => assertTrue(await job.update(Job.IN_PROGRESS, progress), job) },
  // The deadline of one call alone: what decided a plain timer over p-timeout on the request path.
  { name: 'deadline: none', run: () => resolvedSoon().promise },
  { name: 'deadline: plain timer (settleWithin)', run: () => settleWithin(resolvedSoon(), { timeoutMs: 10_000 }) },
  { name: 'deadline: p-timeout', run: () => pTimeout(resolvedSoon().promise, { milliseconds: 10_000 }) },
];

/** A deferred resolved on the next microtask, as a reply would settle it. */
function resolvedSoon(): Deferred<number> {
  const operation = new Deferred<number>('bench');
  queueMicrotask(() => operation.resolve(1));
  return operation;
}

function assertTrue(ok: boolean, failed: Job): void {
  if (!ok) throw new Error(`${failed.toString()} failed: ${String(failed.error)}`);
}

await printContext('Library overhead over a fake connection (no broker, no simulator)', size);
const stats = await sampleInterleaved(operations, plan);
await jobs.close();
await client.close();
printTable(
  `Sequential calls, ${plan.rounds * plan.block} per operation (µs; overhead = ours p50 − floor p50)`,
  ['ours', 'p50', 'floor', 'p50', 'overhead µs', 'target µs', 'met'],
  PAIRS.map(([oursName, floorName, target]) => {
    const ours = stats.get(oursName)!;
    const base = stats.get(floorName)!;
    const overhead = ours.p50 - base.p50;
    return [oursName, fmt(ours.p50, 1), floorName, fmt(base.p50, 1), fmt(overhead, 1), `≤ ${target}`, overhead <= target ? 'yes' : 'no'];
  }),
);
const bare = stats.get('deadline: none')!.p50;
printTable(
  'The deadline of one call (µs over an unbounded await)',
  ['deadline', 'p50', 'over none µs'],
  ['deadline: plain timer (settleWithin)', 'deadline: p-timeout'].map((name) => [name, fmt(stats.get(name)!.p50, 2), fmt(stats.get(name)!.p50 - bare, 2)]),
);

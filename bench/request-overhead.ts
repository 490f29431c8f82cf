/**
 * 1. Request overhead: `job.describe()`, `job.update()` and the JobsClient
 * calls against the floor (a raw async-mqtt publish and await of the reply
 * through the same broker and simulator), on the in-memory broker and over
 * loopback TCP. One call at a time; p50 / p99 in microseconds and the ratio
 * of the p50s.
 *
 * Run: `tsx bench/request-overhead.ts [--tiny]`
 */

import { JobsClient } from '../lib/client/jobs-client.js';
import { Job } from '../lib/job.js';
import { Jobs } from '../lib/jobs.js';
import { Thing } from '../lib/thing.js';
import { benchSize, bySize, fmt, printContext, printTable, ratio } from './support/common.js';
import { sampleInterleaved, type TimedOperation } from './support/compare.js';
import { DOCUMENT, startEnvironment, type Transport } from './support/environment.js';
import { RawRequester, rawTopics } from './support/raw-requester.js';

const size = benchSize();
const plan = bySize(size, { warmup: 10, rounds: 1, block: 20 }, { warmup: 300, rounds: 10, block: 200 });
const JOB_ID = 'bench-job';
const THINGS = { job: 'bench-face', client: 'bench-client', raw: 'bench-raw', rawVersioned: 'bench-raw-versioned' };

/** [our operation, the floor it is compared with]. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['job.describe()', 'raw describe'],
  ['job.update(IN_PROGRESS)', 'raw update (same body)'],
  ['client.describeJobExecution', 'raw describe'],
  ['client.updateJobExecution', 'raw update'],
  ['client.getPendingJobExecutions', 'raw get pending'],
  ['client.startNextPendingJobExecution', 'raw start-next'],
];

async function measure(transport: Transport): Promise<string[][]> {
  const env = await startEnvironment(transport);
  try {
    env.simulator.createJob({ jobId: JOB_ID, targets: Object.values(THINGS), document: DOCUMENT });

    const ours = await env.connect({ clientId: `ours-${transport}` });
    const client = JobsClient.for(ours);
    const jobs = new Jobs(new Thing(THINGS.job, ours));
    await jobs.ready;
    const job = await jobs.startNext();
    if (job === undefined) throw new Error('no job to start');
    await client.watch(THINGS.client);
    await client.startNextPendingJobExecution(THINGS.client);

    const rawClient = await env.connect({ clientId: `raw-${transport}` });
    const raw = new RawRequester(rawClient);
    await raw.watch(THINGS.raw);
    RawRequester.accepted(await raw.request(rawTopics.startNext(THINGS.raw), {}));
    // A thing of its own for the versioned floor, so that the unversioned one does not move its version.
    await raw.watch(THINGS.rawVersioned);
    const started = RawRequester.accepted(await raw.request(rawTopics.startNext(THINGS.rawVersioned), {}));
    let rawVersion = (started.execution as { versionNumber: number }).versionNumber;

    const progress = { step: 'downloading' };
    const describeTopic = rawTopics.describe(THINGS.raw, JOB_ID);
    const updateTopic = rawTopics.update(THINGS.raw, JOB_ID);
    const versionedUpdateTopic = rawTopics.update(THINGS.rawVersioned, JOB_ID);
    const pendingTopic = rawTopics.getPending(THINGS.raw);
    const startNextTopic = rawTopics.startNext(THINGS.raw);
    const operations: TimedOperation[] = [
      { name: 'raw describe', run: () => raw.request(describeTopic, { includeJobDocument: true }) },
      { name: 'raw update', run: () => raw.request(updateTopic, { status: 'IN_PROGRESS', statusDetails: progress }) },
      {
        // The body job.update() sends: versioned, with the execution number and the state asked back.
        name: 'raw update (same body)',
        run: async () => {
          const body = RawRequester.accepted(
            await raw.request(versionedUpdateTopic, { status: 'IN_PROGRESS', statusDetails: progress, expectedVersion: rawVersion, executionNumber: 1, includeJobExecutionState: true }),
          );
          rawVersion = (body.executionState as { versionNumber: number }).versionNumber;
        },
      },
      { name: 'raw get pending', run: () => raw.request(pendingTopic, {}) },
      { name: 'raw start-next', run: () => raw.request(startNextTopic, {}) },
      { name: 'job.describe()', run: async () => assertTrue(await job.describe(), job) },
      { name: 'job.update(IN_PROGRESS)', run: async () => assertTrue(await job.update(Job.IN_PROGRESS, progress), job) },
      { name: 'client.describeJobExecution', run: () => client.describeJobExecution(THINGS.client, JOB_ID, { includeJobDocument: true }) },
      { name: 'client.updateJobExecution', run: () => client.updateJobExecution(THINGS.client, JOB_ID, { status: 'IN_PROGRESS', statusDetails: progress }) },
      { name: 'client.getPendingJobExecutions', run: () => client.getPendingJobExecutions(THINGS.client) },
      { name: 'client.startNextPendingJobExecution', run: () => client.startNextPendingJobExecution(THINGS.client) },
    ];
    const stats = await sampleInterleaved(operations, plan);
    await jobs.close();
    await client.close();
    return PAIRS.map(([oursName, floorName]) => {
      const o = stats.get(oursName)!;
      const f = stats.get(floorName)!;
      return [transport, oursName, fmt(o.p50), fmt(o.p99), floorName, fmt(f.p50), fmt(f.p99), ratio(o.p50, f.p50), ratio(o.p99, f.p99)];
    });
  } finally {
    await env.close();
  }
}

function assertTrue(ok: boolean, job: Job): void {
  if (!ok) throw new Error(`${job.toString()} failed: ${String(job.error)}`);
}

await printContext('Request overhead against raw MQTT', size);
const rows = [...(await measure('memory')), ...(await measure('tcp'))];
printTable(
  `Sequential calls, ${plan.rounds * plan.block} per operation (µs)`,
  ['transport', 'ours', 'p50', 'p99', 'floor', 'p50', 'p99', 'p50 ratio', 'p99 ratio'],
  rows,
);

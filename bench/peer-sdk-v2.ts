/**
 * 2. The peer: the same Jobs operations through aws-iot-device-sdk-v2's
 * `IotJobsClientv2` (its MQTT 3.1.1 client, aws-crt, plain TCP) against the
 * same aedes broker on loopback and the same simulator, in the same run as
 * ours (JobsClient and the Job face over async-mqtt) and the raw-MQTT floor.
 * One call at a time, interleaved blocks; p50 / p99 in microseconds.
 *
 * Ends with `process.exit`: aws-crt aborts or hangs at exit after its clients
 * were used (toolchain.md).
 *
 * Run: `tsx bench/peer-sdk-v2.ts [--tiny]`
 */

import sdk from 'aws-iot-device-sdk-v2';
import { JobsClient } from '../lib/client/jobs-client.js';
import { Job } from '../lib/job.js';
import { Jobs } from '../lib/jobs.js';
import { Thing } from '../lib/thing.js';
import { benchSize, bySize, fmt, printContext, printTable, ratio } from './support/common.js';
import { sampleInterleaved, type TimedOperation } from './support/compare.js';
import { DOCUMENT, startEnvironment } from './support/environment.js';
import { RawRequester, rawTopics } from './support/raw-requester.js';

const { io, iotjobs, mqtt } = sdk;
const { JobStatus } = iotjobs.model;

const size = benchSize();
const plan = bySize(size, { warmup: 10, rounds: 1, block: 20 }, { warmup: 300, rounds: 10, block: 200 });
const JOB_ID = 'peer-job';
const THINGS = { face: 'peer-face', ours: 'peer-ours', theirs: 'peer-theirs', raw: 'peer-raw' };
const progress = { step: 'downloading' };

/** [operation, ours, theirs, floor]. */
const ROWS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['DescribeJobExecution', 'ours describe', 'sdk-v2 describe', 'raw describe'],
  ['UpdateJobExecution', 'ours update', 'sdk-v2 update', 'raw update'],
  ['GetPendingJobExecutions', 'ours get pending', 'sdk-v2 get pending', 'raw get pending'],
  ['StartNextPendingJobExecution', 'ours start-next', 'sdk-v2 start-next', 'raw start-next'],
  ['job.describe() (the face)', 'job.describe()', 'sdk-v2 describe', 'raw describe'],
  ['job.update() (the face)', 'job.update(IN_PROGRESS)', 'sdk-v2 update', 'raw update'],
];

async function main(): Promise<void> {
  await printContext('Peer: aws-iot-device-sdk-v2 IotJobsClientv2, same aedes broker on loopback TCP', size);
  const env = await startEnvironment('tcp');
  env.simulator.createJob({ jobId: JOB_ID, targets: Object.values(THINGS), document: DOCUMENT });

  // Ours.
  const oursConnection = await env.connect({ clientId: 'peer-ours' });
  const client = JobsClient.for(oursConnection);
  await client.watch(THINGS.ours);
  await client.startNextPendingJobExecution(THINGS.ours);
  const jobs = new Jobs(new Thing(THINGS.face, oursConnection));
  await jobs.ready;
  const job = await jobs.startNext();
  if (job === undefined) throw new Error('no job to start');

  // The floor.
  const raw = new RawRequester(await env.connect({ clientId: 'peer-raw' }));
  await raw.watch(THINGS.raw);
  RawRequester.accepted(await raw.request(rawTopics.startNext(THINGS.raw), {}));

  // Theirs.
  const connection = new mqtt.MqttClient().new_connection({
    client_id: 'peer-theirs',
    host_name: '127.0.0.1',
    port: env.port!,
    clean_session: true,
    keep_alive: 60,
    socket_options: new io.SocketOptions(),
  });
  await connection.connect();
  const theirs = iotjobs.IotJobsClientv2.newFromMqtt311(connection, {
    maxRequestResponseSubscriptions: 8,
    maxStreamingSubscriptions: 2,
    operationTimeoutInSeconds: 30,
  });
  await theirs.startNextPendingJobExecution({ thingName: THINGS.theirs });

  const operations: TimedOperation[] = [
    { name: 'raw describe', run: () => raw.request(rawTopics.describe(THINGS.raw, JOB_ID), { includeJobDocument: true }) },
    { name: 'raw update', run: () => raw.request(rawTopics.update(THINGS.raw, JOB_ID), { status: 'IN_PROGRESS', statusDetails: progress }) },
    { name: 'raw get pending', run: () => raw.request(rawTopics.getPending(THINGS.raw), {}) },
    { name: 'raw start-next', run: () => raw.request(rawTopics.startNext(THINGS.raw), {}) },
    { name: 'ours describe', run: () => client.describeJobExecution(THINGS.ours, JOB_ID, { includeJobDocument: true }) },
    { name: 'ours update', run: () => client.updateJobExecution(THINGS.ours, JOB_ID, { status: 'IN_PROGRESS', statusDetails: progress }) },
    { name: 'ours get pending', run: () => client.getPendingJobExecutions(THINGS.ours) },
    { name: 'ours start-next', run: () => client.startNextPendingJobExecution(THINGS.ours) },
    {
      name: 'job.describe()',
      run: async () => {
        if (!(await job.describe())) throw new Error(String(job.error));
      },
    },
    {
      name: 'job.update(IN_PROGRESS)',
      run: async () => {
        if (!(await job.update(Job.IN_PROGRESS, progress))) throw new Error(String(job.error));
      },
    },
    { name: 'sdk-v2 describe', run: () => theirs.describeJobExecution({ thingName: THINGS.theirs, jobId: JOB_ID, includeJobDocument: true }) },
    {
      name: 'sdk-v2 update',
      run: () => theirs.updateJobExecution({ thingName: THINGS.theirs, jobId: JOB_ID, status: JobStatus.IN_PROGRESS, statusDetails: progress }),
    },
    { name: 'sdk-v2 get pending', run: () => theirs.getPendingJobExecutions({ thingName: THINGS.theirs }) },
    { name: 'sdk-v2 start-next', run: () => theirs.startNextPendingJobExecution({ thingName: THINGS.theirs }) },
  ];
  const stats = await sampleInterleaved(operations, plan);
  printTable(
    `Sequential calls over loopback TCP, ${plan.rounds * plan.block} per operation (µs)`,
    ['operation', 'ours p50', 'ours p99', 'sdk-v2 p50', 'sdk-v2 p99', 'raw p50', 'raw p99', 'ours/theirs p50', 'ours/theirs p99', 'ours/raw p50'],
    ROWS.map(([label, oursName, theirsName, floorName]) => {
      const o = stats.get(oursName)!;
      const t = stats.get(theirsName)!;
      const f = stats.get(floorName)!;
      return [label, fmt(o.p50), fmt(o.p99), fmt(t.p50), fmt(t.p99), fmt(f.p50), fmt(f.p99), ratio(o.p50, t.p50), ratio(o.p99, t.p99), ratio(o.p50, f.p50)];
    }),
  );

  theirs.close();
  await connection.disconnect();
  await jobs.close();
  await client.close();
  await env.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

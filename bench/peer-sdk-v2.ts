/**
 * 2. The peer: the same Jobs operations through aws-iot-device-sdk-v2's
 * `IotJobsClientv2` (its MQTT 3.1.1 client, aws-crt, plain TCP) against the
 * same aedes broker on loopback and the same simulator, in the same run as
 * ours and the raw-MQTT floor, compared like with like (issue 15, item 4):
 *
 * - Same wire pattern: IotJobsClientv2 subscribes to a request's reply topics
 *   and unsubscribes again around every call. Ours does the same for a thing
 *   that is not watched (no `watch()`); the floor does it with a bare client.
 * - Steady state: ours with `watch()` (and the Job face, whose Jobs object
 *   watches its thing) keeps the subscriptions, against the floor that keeps
 *   them too; the SDK has no such mode, so its per-call figure is the only one.
 *
 * One call at a time; the operations are sampled in interleaved blocks
 * (rounds); each figure is the median of the rounds' p50s, with min and max.
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
import { benchSize, bySize, latencyStats, printContext, printTable, ratio, sampleSequential } from './support/common.js';
import { DOCUMENT, startEnvironment } from './support/environment.js';
import { RawRequester, rawTopics } from './support/raw-requester.js';
import { fmtSpread, Runs } from './support/runs.js';

const { io, iotjobs, mqtt } = sdk;
const { JobStatus } = iotjobs.model;

const size = benchSize();
const plan = bySize(size, { warmup: 10, rounds: 3, block: 10 }, { warmup: 200, rounds: 5, block: 200 });
const JOB_ID = 'peer-job';
const THINGS = { face: 'peer-face', watched: 'peer-watched', unwatched: 'peer-unwatched', theirs: 'peer-theirs', raw: 'peer-raw', rawPerCall: 'peer-raw-per-call' };
const progress = { step: 'downloading' };
const OPERATIONS = ['describe', 'update', 'get pending', 'start-next'] as const;
const LABELS: Record<(typeof OPERATIONS)[number], string> = {
  describe: 'DescribeJobExecution',
  update: 'UpdateJobExecution',
  'get pending': 'GetPendingJobExecutions',
  'start-next': 'StartNextPendingJobExecution',
};

type Runner = () => Promise<unknown>;

async function main(): Promise<void> {
  await printContext('Peer: aws-iot-device-sdk-v2 IotJobsClientv2, same aedes broker on loopback TCP', size);
  const env = await startEnvironment('tcp');
  env.simulator.createJob({ jobId: JOB_ID, targets: Object.values(THINGS), document: DOCUMENT });

  // Ours: one client, one thing watched and one not.
  const oursConnection = await env.connect({ clientId: 'peer-ours' });
  const client = JobsClient.for(oursConnection);
  await client.watch(THINGS.watched);
  await client.startNextPendingJobExecution(THINGS.watched);
  await client.startNextPendingJobExecution(THINGS.unwatched);
  const jobs = new Jobs(new Thing(THINGS.face, oursConnection));
  await jobs.ready;
  const job = await jobs.startNext();
  if (job === undefined) throw new Error('no job to start');

  // The floor, in both patterns.
  const raw = new RawRequester(await env.connect({ clientId: 'peer-raw' }));
  await raw.watch(THINGS.raw);
  RawRequester.accepted(await raw.request(rawTopics.startNext(THINGS.raw), {}));
  const rawPerCall = new RawRequester(await env.connect({ clientId: 'peer-raw-per-call' }));
  RawRequester.accepted(await rawPerCall.requestSubscribed(rawTopics.startNext(THINGS.rawPerCall), {}));

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

  const ours = (thingName: string): Record<(typeof OPERATIONS)[number], Runner> => ({
    describe: () => client.describeJobExecution(thingName, JOB_ID, { includeJobDocument: true }),
    update: () => client.updateJobExecution(thingName, JOB_ID, { status: 'IN_PROGRESS', statusDetails: progress }),
    'get pending': () => client.getPendingJobExecutions(thingName),
    'start-next': () => client.startNextPendingJobExecution(thingName),
  });
  const floor = (requester: RawRequester, thingName: string, perCall: boolean): Record<(typeof OPERATIONS)[number], Runner> => {
    const send = (topic: string, body: Record<string, unknown>): Promise<unknown> => (perCall ? requester.requestSubscribed(topic, body) : requester.request(topic, body));
    return {
      describe: () => send(rawTopics.describe(thingName, JOB_ID), { includeJobDocument: true }),
      update: () => send(rawTopics.update(thingName, JOB_ID), { status: 'IN_PROGRESS', statusDetails: progress }),
      'get pending': () => send(rawTopics.getPending(thingName), {}),
      'start-next': () => send(rawTopics.startNext(thingName), {}),
    };
  };
  const sdkV2: Record<(typeof OPERATIONS)[number], Runner> = {
    describe: () => theirs.describeJobExecution({ thingName: THINGS.theirs, jobId: JOB_ID, includeJobDocument: true }),
    update: () => theirs.updateJobExecution({ thingName: THINGS.theirs, jobId: JOB_ID, status: JobStatus.IN_PROGRESS, statusDetails: progress }),
    'get pending': () => theirs.getPendingJobExecutions({ thingName: THINGS.theirs }),
    'start-next': () => theirs.startNextPendingJobExecution({ thingName: THINGS.theirs }),
  };
  const families: Record<string, Record<string, Runner>> = {
    'sdk-v2': sdkV2,
    'ours no watch': ours(THINGS.unwatched),
    'raw per call': floor(rawPerCall, THINGS.rawPerCall, true),
    'ours watched': ours(THINGS.watched),
    'raw held': floor(raw, THINGS.raw, false),
    face: {
      describe: async () => {
        if (!(await job.describe())) throw new Error(String(job.error));
      },
      update: async () => {
        if (!(await job.update(Job.IN_PROGRESS, progress))) throw new Error(String(job.error));
      },
    },
  };

  const runs = new Runs();
  const all = new Map<string, number[]>();
  const operations = Object.entries(families).flatMap(([family, runners]) => Object.entries(runners).map(([operation, run]) => ({ name: `${family} ${operation}`, run })));
  for (const { run } of operations) await sampleSequential(run, 0, plan.warmup);
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const { name, run } of operations) {
      const durations = await sampleSequential(run, plan.block, 0);
      runs.add(name, latencyStats(durations).p50);
      all.set(name, [...(all.get(name) ?? []), ...durations]);
    }
  }
  const p99 = (name: string): string => Math.round(latencyStats(all.get(name) ?? []).p99).toLocaleString('en-US');
  const median = (name: string): number => runs.get(name).median;

  printTable(
    `Same wire pattern (subscribe and unsubscribe around every call), loopback TCP: p50 µs, median (min-max) of ${plan.rounds} interleaved rounds of ${plan.block}; p99 over all`,
    ['operation', 'sdk-v2', 'p99', 'ours, no watch()', 'p99', 'raw, per call', 'ours/sdk-v2', 'ours/raw'],
    OPERATIONS.map((operation) => [
      LABELS[operation],
      fmtSpread(runs.get(`sdk-v2 ${operation}`)),
      p99(`sdk-v2 ${operation}`),
      fmtSpread(runs.get(`ours no watch ${operation}`)),
      p99(`ours no watch ${operation}`),
      fmtSpread(runs.get(`raw per call ${operation}`)),
      ratio(median(`ours no watch ${operation}`), median(`sdk-v2 ${operation}`)),
      ratio(median(`ours no watch ${operation}`), median(`raw per call ${operation}`)),
    ]),
  );
  printTable(
    `Steady state (subscriptions held: watch(), the Job face; the SDK cannot hold them), loopback TCP: p50 µs, median (min-max) of ${plan.rounds} interleaved rounds of ${plan.block}`,
    ['operation', 'ours, watch()', 'p99', 'raw, held', 'sdk-v2 (per call)', 'ours/raw', 'ours/sdk-v2'],
    [
      ...OPERATIONS.map((operation) => [
        LABELS[operation],
        fmtSpread(runs.get(`ours watched ${operation}`)),
        p99(`ours watched ${operation}`),
        fmtSpread(runs.get(`raw held ${operation}`)),
        fmtSpread(runs.get(`sdk-v2 ${operation}`)),
        ratio(median(`ours watched ${operation}`), median(`raw held ${operation}`)),
        ratio(median(`ours watched ${operation}`), median(`sdk-v2 ${operation}`)),
      ]),
      ...(['describe', 'update'] as const).map((operation) => [
        `job.${operation}() (the face)`,
        fmtSpread(runs.get(`face ${operation}`)),
        p99(`face ${operation}`),
        fmtSpread(runs.get(`raw held ${operation}`)),
        fmtSpread(runs.get(`sdk-v2 ${operation}`)),
        ratio(median(`face ${operation}`), median(`raw held ${operation}`)),
        ratio(median(`face ${operation}`), median(`sdk-v2 ${operation}`)),
      ]),
    ],
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

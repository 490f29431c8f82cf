/**
 * 3. Device throughput: job cycles per second (start-next, an IN_PROGRESS
 * update, SUCCEEDED) for 1, 10 and 100 devices, each on its own connection,
 * against the raw-MQTT floor doing the same three requests through the same
 * broker and simulator. Every device works its queue one cycle after the
 * other; devices run concurrently.
 *
 * Run: `tsx bench/device-throughput.ts [--tiny]`
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { Job } from '../lib/job.js';
import { Jobs } from '../lib/jobs.js';
import { Thing } from '../lib/thing.js';
import { benchSize, bySize, fmt, nowMs, printContext, printTable, ratio } from './support/common.js';
import { DOCUMENT, startEnvironment, type BenchEnvironment, type Transport } from './support/environment.js';
import { RawRequester, rawTopics } from './support/raw-requester.js';

const size = benchSize();
/** [devices, jobs per device]: about the same number of cycles per row. */
const CASES: ReadonlyArray<readonly [number, number]> = bySize(
  size,
  [
    [1, 10],
    [10, 2],
  ],
  [
    [1, 400],
    [10, 60],
    [100, 8],
  ],
);
const TRANSPORTS: readonly Transport[] = ['memory', 'tcp'];
const progress = { step: 'working' };

type Device = { thingName: string; connection: AsyncMqttClient };

async function connectDevices(env: BenchEnvironment, prefix: string, count: number): Promise<Device[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const thingName = `${prefix}-${index}`;
      return { thingName, connection: await env.connect({ clientId: thingName }) };
    }),
  );
}

function createJobs(env: BenchEnvironment, prefix: string, devices: Device[], jobsPerDevice: number): void {
  for (let index = 0; index < jobsPerDevice; index += 1) {
    env.simulator.createJob({ jobId: `${prefix}-job-${index}`, targets: devices.map((device) => device.thingName), document: DOCUMENT });
  }
}

/** Our face: `jobs.startNext()`, `job.update(IN_PROGRESS)`, `job.update(SUCCEEDED)` until nothing is pending. */
async function oursDevice(device: Device): Promise<number> {
  const jobs = new Jobs(new Thing(device.thingName, device.connection));
  await jobs.ready;
  let cycles = 0;
  for (;;) {
    const job = await jobs.startNext();
    if (job === undefined) break;
    if (!(await job.update(Job.IN_PROGRESS, progress))) throw new Error(String(job.error));
    if (!(await job.update(Job.SUCCEEDED))) throw new Error(String(job.error));
    cycles += 1;
  }
  await jobs.close();
  return cycles;
}

/** The floor: the same three requests with a bare publish/await. */
async function rawDevice(device: Device): Promise<number> {
  const raw = new RawRequester(device.connection);
  await raw.watch(device.thingName);
  const startNext = rawTopics.startNext(device.thingName);
  let cycles = 0;
  for (;;) {
    const reply = RawRequester.accepted(await raw.request(startNext, {}));
    const execution = reply.execution as { jobId: string } | undefined;
    if (execution === undefined) break;
    const update = rawTopics.update(device.thingName, execution.jobId);
    RawRequester.accepted(await raw.request(update, { status: 'IN_PROGRESS', statusDetails: progress }));
    RawRequester.accepted(await raw.request(update, { status: 'SUCCEEDED' }));
    cycles += 1;
  }
  return cycles;
}

async function run(transport: Transport, flavour: 'ours' | 'raw', deviceCount: number, jobsPerDevice: number): Promise<number> {
  const env = await startEnvironment(transport);
  try {
    const prefix = `${flavour}-${deviceCount}`;
    const devices = await connectDevices(env, prefix, deviceCount);
    createJobs(env, prefix, devices, jobsPerDevice);
    const start = nowMs();
    const cycles = await Promise.all(devices.map((device) => (flavour === 'ours' ? oursDevice(device) : rawDevice(device))));
    const seconds = (nowMs() - start) / 1000;
    const total = cycles.reduce((sum, count) => sum + count, 0);
    if (total !== deviceCount * jobsPerDevice) throw new Error(`${total} cycles done, ${deviceCount * jobsPerDevice} expected`);
    return total / seconds;
  } finally {
    await env.close();
  }
}

await printContext('Device throughput', size);
const rows: string[][] = [];
for (const transport of TRANSPORTS) {
  for (const [deviceCount, jobsPerDevice] of CASES) {
    // Floor first, then ours, then the floor again: the mean of the two floors absorbs drift.
    const floorA = await run(transport, 'raw', deviceCount, jobsPerDevice);
    const ours = await run(transport, 'ours', deviceCount, jobsPerDevice);
    const floorB = await run(transport, 'raw', deviceCount, jobsPerDevice);
    const floor = (floorA + floorB) / 2;
    rows.push([transport, String(deviceCount), String(deviceCount * jobsPerDevice), fmt(ours), fmt(floor), ratio(ours, floor)]);
  }
}
printTable('Job cycles per second (start-next, IN_PROGRESS, SUCCEEDED)', ['transport', 'devices', 'cycles', 'ours /s', 'raw floor /s', 'ours/floor'], rows);

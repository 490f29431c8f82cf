/**
 * Soak: job cycles (queue, startNext, update SUCCEEDED) through Jobs/Job
 * against the simulator — 10,000 under `npm run soak`, 500 in `npm test`.
 * Listeners, timers, subscriptions, calls in flight and remembered Job
 * objects must not grow; heap is measured and reported (asserted only with a
 * generous bound: the simulator's own store and V8 make it noisy). Counts
 * are asserted, never times.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { Job, Jobs, Thing } from '../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/index.js';
import { report, scaled } from './scale.js';

const CYCLES = Number(process.env.SOAK_CYCLES ?? scaled(10_000, 500));
const WARM_UP = Math.min(1_000, CYCLES / 10);

let env: TestEnvironment;
let device: AsyncMqttClient;
let client: JobsClient;
let jobs: Jobs;

beforeAll(async () => {
  env = await createTestEnvironment();
  env.simulator.createThing({ thingName: 'soak' });
  device = await env.connect({ clientId: 'soak' });
  client = new JobsClient(device);
  jobs = new Jobs(new Thing('soak', device), { client });
  await jobs.ready;
});

afterAll(async () => {
  await jobs.close();
  await client.close();
  await env.close();
});

interface Figures {
  cycle: number;
  mqttListeners: number;
  clientListeners: number;
  jobsListeners: number;
  timers: number;
  subscriptions: number;
  pendingCalls: number;
  rememberedJobs: number;
  heapMB: number;
}

function handlerCount(emitter: { all: Map<unknown, unknown[] | undefined> }): number {
  let count = 0;
  for (const handlers of emitter.all.values()) count += handlers?.length ?? 0;
  return count;
}

function measure(cycle: number): Figures {
  (globalThis as { gc?: () => void }).gc?.();
  return {
    cycle,
    mqttListeners: ['message', 'connect', 'close', 'error', 'end'].reduce((sum, event) => sum + device.listenerCount(event), 0),
    clientListeners: handlerCount(client.events),
    jobsListeners: handlerCount(jobs.events),
    timers: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
    subscriptions: client.subscriptionCount,
    pendingCalls: client.pendingCount,
    rememberedJobs: (jobs as unknown as { known: Map<string, Job> }).known.size,
    heapMB: Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10,
  };
}

test(`${CYCLES} job cycles through Jobs/Job: no growth in listeners, timers, subscriptions or remembered jobs`, async () => {
  const started = Date.now();
  let warm: Figures | undefined;
  for (let i = 1; i <= CYCLES; i += 1) {
    const jobId = `c${i}`;
    env.simulator.createJob({ jobId, targets: ['soak'], document: '{"n":1}' });
    const job = await jobs.startNext();
    if (job?.jobId !== jobId) throw new Error(`cycle ${i}: started ${String(job?.jobId)}`);
    if (!(await job.update(Job.SUCCEEDED, { cycle: String(i) }))) throw job.error ?? new Error(`cycle ${i}: update failed`);
    env.simulator.deleteJob({ jobId });
    jobs.changed();
    if (i === WARM_UP) warm = measure(i);
  }
  // Let the simulator's deferred deletions run: one round trip.
  await client.getPendingJobExecutions('soak');
  const end = measure(CYCLES);
  const seconds = (Date.now() - started) / 1000;
  report(
    `soak: ${CYCLES} cycles in ${seconds.toFixed(1)} s (${Math.round(CYCLES / seconds)} cycles/s)\n` +
      `  after ${warm!.cycle}: ${JSON.stringify(warm)}\n  after ${end.cycle}: ${JSON.stringify(end)}\n` +
      `  heap growth ${(end.heapMB - warm!.heapMB).toFixed(1)} MB${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: includes garbage not yet collected)'}`,
  );
  expect(end.mqttListeners).toBe(warm!.mqttListeners);
  expect(end.clientListeners).toBe(warm!.clientListeners);
  expect(end.jobsListeners).toBe(warm!.jobsListeners);
  // Process-wide timers include other parties' transient ones (the simulator's
  // deferred deletion, the broker's): a leak per cycle would show thousands.
  expect(end.timers).toBeLessThanOrEqual(warm!.timers + 2);
  expect(end.subscriptions).toBe(warm!.subscriptions);
  expect(end.pendingCalls).toBe(0);
  expect(end.rememberedJobs).toBeLessThanOrEqual(warm!.rememberedJobs);
  // Without --expose-gc the heap holds uncollected garbage of the whole jest
  // worker, so it is only reported. With it, a leak of one Job or call per
  // cycle would show as tens of MB.
  if ((globalThis as { gc?: unknown }).gc) expect(end.heapMB - warm!.heapMB).toBeLessThan(64);
});

/**
 * 4. Fleet scale of the simulator (issue 15, item 2): one job targeting N
 * things. Row "handed": CreateJob, then until the broker has dispatched all
 * 2N notifications (`notify` and `notify-next` per thing) to a broker-side
 * wildcard subscription, on the in-memory broker; peak RSS growth per
 * execution. Row "real subscribers": the same fan-out on aedes over loopback
 * TCP, until a sample of real device connections (one mqtt.js client per
 * sampled thing, spread across the fleet, each subscribed to its own two
 * topics) has received its `notify-next`. A warm-up fleet runs first and is
 * not reported; the sizes are then run in interleaved rounds, and each figure
 * is the median of the rounds with min and max.
 *
 * Run: `tsx --expose-gc bench/fleet-scale.ts [--tiny]`
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { benchSize, bySize, fmt, gcAvailable, nowMs, printContext, printTable, settledHeapBytes } from './support/common.js';
import { DOCUMENT, startEnvironment, type Transport } from './support/environment.js';
import { fmtSpread, Runs, verdict } from './support/runs.js';

const size = benchSize();
const WARMUP = bySize(size, 100, 10_000);
const FLEETS: readonly number[] = bySize(size, [500], [10_000, 100_000]);
const ROUNDS = bySize(size, 1, 3);
const SAMPLE_DEVICES = bySize(size, 5, 100);
const TARGET_MS = 2_000;
const TARGET_RSS_PER_EXECUTION = 1_024;

interface FleetRun {
  createJobMs: number;
  handedMs: number;
  /** CPU time of this process (every thread: GC included) from CreateJob until all were handed over. */
  handedCpuMs: number;
  rssPerExecution: number;
  heapPerExecution: number;
  sampleMs: number;
}

async function fanOut(things: number, transport: Transport, sample: number): Promise<FleetRun> {
  const env = await startEnvironment(transport);
  const devices: AsyncMqttClient[] = [];
  try {
    const names = Array.from({ length: things }, (_, index) => `fleet-thing-${index}`);
    for (const thingName of names) env.simulator.createThing({ thingName });

    // Real device connections for a sample of things, spread evenly (the last thing included).
    let sampleLeft = sample;
    let onSample: (() => void) | undefined;
    for (let i = 0; i < sample; i += 1) {
      const thingName = names[Math.round(((things - 1) * (i + 1)) / sample)]!;
      const device = await env.connect({ clientId: `sample-${i}` });
      await device.subscribe([`$aws/things/${thingName}/jobs/notify`, `$aws/things/${thingName}/jobs/notify-next`], { qos: 1 });
      let seen = false;
      device.on('message', (topic: string) => {
        if (seen || !topic.endsWith('/notify-next')) return;
        seen = true;
        sampleLeft -= 1;
        if (sampleLeft === 0) onSample?.();
      });
      devices.push(device);
    }

    let dispatched = 0;
    let peakRss = 0;
    let onAll: (() => void) | undefined;
    const count = (_packet: unknown, done: () => void): void => {
      dispatched += 1;
      if ((dispatched & 1023) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (dispatched === 2 * things) onAll?.();
      done();
    };
    for (const filter of ['$aws/things/+/jobs/notify', '$aws/things/+/jobs/notify-next']) {
      await new Promise<void>((resolve) => env.broker.aedes.subscribe(filter, count, resolve));
    }

    const heapBefore = gcAvailable() ? settledHeapBytes() : Number.NaN;
    const rssBefore = process.memoryUsage.rss();
    const allDispatched = new Promise<void>((resolve) => (onAll = resolve));
    const sampleReceived = sample === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onSample = resolve));
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    env.simulator.createJob({ jobId: 'fleet-job', targets: names, document: DOCUMENT });
    const createJobMs = nowMs() - start;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    let sampleMs = Number.NaN;
    void sampleReceived.then(() => (sampleMs = nowMs() - start));
    await allDispatched;
    const handedMs = nowMs() - start;
    const cpu = process.cpuUsage(cpuStart);
    const handedCpuMs = (cpu.user + cpu.system) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    await sampleReceived;
    const heapAfter = gcAvailable() ? settledHeapBytes() : Number.NaN;
    return { createJobMs, handedMs, handedCpuMs, rssPerExecution: (peakRss - rssBefore) / things, heapPerExecution: (heapAfter - heapBefore) / things, sampleMs };
  } finally {
    for (const device of devices) await device.end(true);
    await env.close();
  }
}

await printContext('Fleet scale (simulator)', size);
await fanOut(WARMUP, 'memory', 0);
await fanOut(WARMUP, 'tcp', Math.min(SAMPLE_DEVICES, 10));
const runs = new Runs();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const things of FLEETS) {
    const handed = await fanOut(things, 'memory', 0);
    runs.add(`${things} createJob`, handed.createJobMs);
    runs.add(`${things} handed`, handed.handedMs);
    runs.add(`${things} handed cpu`, handed.handedCpuMs);
    runs.add(`${things} rss`, handed.rssPerExecution);
    runs.add(`${things} heap`, handed.heapPerExecution);
    const real = await fanOut(things, 'tcp', SAMPLE_DEVICES);
    runs.add(`${things} sample`, real.sampleMs);
    runs.add(`${things} tcp handed`, real.handedMs);
  }
}

printTable(
  `One job targeting N things: CreateJob, then until all 2N notifications were handed to the broker and dispatched (in memory), and until ${SAMPLE_DEVICES} real device connections (TCP) received their notify-next; median (min-max) of ${ROUNDS} interleaved rounds after a ${fmt(WARMUP)}-thing warm-up`,
  [
    'things',
    'CreateJob (ms)',
    'handed to broker (ms)',
    `target ${fmt(TARGET_MS)} ms`,
    'CPU time of it (ms)',
    'µs per execution',
    'peak RSS per execution (bytes)',
    `target ${fmt(TARGET_RSS_PER_EXECUTION)} B`,
    'heap kept per execution (bytes)',
    `TCP: ${SAMPLE_DEVICES} real devices got notify-next (ms)`,
    'TCP: all handed (ms)',
  ],
  FLEETS.map((things) => {
    const handed = runs.get(`${things} handed`);
    const rss = runs.get(`${things} rss`);
    return [
      fmt(things),
      fmtSpread(runs.get(`${things} createJob`), 1),
      fmtSpread(handed, 1),
      verdict(handed.median, TARGET_MS),
      fmtSpread(runs.get(`${things} handed cpu`), 1),
      fmt((handed.median * 1000) / things, 1),
      fmtSpread(rss),
      verdict(rss.median, TARGET_RSS_PER_EXECUTION),
      fmtSpread(runs.get(`${things} heap`)),
      fmtSpread(runs.get(`${things} sample`), 1),
      fmtSpread(runs.get(`${things} tcp handed`), 1),
    ];
  }),
);
const [small, large] = [FLEETS[0]!, FLEETS[FLEETS.length - 1]!];
if (small !== large) {
  const perSmall = runs.get(`${small} handed`).median / small;
  const perLarge = runs.get(`${large} handed`).median / large;
  console.log(`\nGrowth from ${fmt(small)} to ${fmt(large)} things (after warm-up): ${(perLarge / perSmall).toFixed(2)}x the cost per execution (1.00x = linear).`);
}
if (!gcAvailable()) console.log('\n(heap figures need --expose-gc)');

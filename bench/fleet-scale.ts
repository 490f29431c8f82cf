/**
 * 4. Fleet scale of the simulator: one job targeting 1,000, 10,000 and
 * 100,000 things. Times CreateJob itself (which decides and publishes every
 * notification) and the fan-out until one wildcard subscriber has received
 * every `notify` and `notify-next`; heap per execution after a forced gc; and
 * the growth of the cost per execution with the fleet.
 *
 * Run: `tsx --expose-gc bench/fleet-scale.ts [--tiny]`
 */

import { benchSize, bySize, fmt, gcAvailable, nowMs, printContext, printTable, settledHeapBytes } from './support/common.js';
import { DOCUMENT, startEnvironment } from './support/environment.js';

const size = benchSize();
const FLEETS: readonly number[] = bySize(size, [100, 1_000], [1_000, 10_000, 100_000]);

interface FleetResult {
  things: number;
  createThingsMs: number;
  createJobMs: number;
  fanOutMs: number;
  heapPerExecution: number;
}

async function measure(things: number): Promise<FleetResult> {
  const env = await startEnvironment('memory');
  try {
    // Counted by a broker-side subscription: one mqtt.js 4 client receiving
    // 2N messages in one burst queues them in an array it shift()s, which is
    // quadratic (BENCHMARKS.md); a device only ever receives its own two.
    let received = 0;
    let onAll: (() => void) | undefined;
    const count = (_packet: unknown, done: () => void): void => {
      received += 1;
      if (received === 2 * things) onAll?.();
      done();
    };
    for (const filter of ['$aws/things/+/jobs/notify', '$aws/things/+/jobs/notify-next']) {
      await new Promise<void>((resolve) => env.broker.aedes.subscribe(filter, count, resolve));
    }

    const names = Array.from({ length: things }, (_, index) => `fleet-thing-${index}`);
    const thingsStart = nowMs();
    for (const thingName of names) env.simulator.createThing({ thingName });
    const createThingsMs = nowMs() - thingsStart;

    const heapBefore = gcAvailable() ? settledHeapBytes() : Number.NaN;
    const allDelivered = new Promise<void>((resolve) => (onAll = resolve));
    const start = nowMs();
    env.simulator.createJob({ jobId: 'fleet-job', targets: names, document: DOCUMENT });
    const createJobMs = nowMs() - start;
    await allDelivered;
    const fanOutMs = nowMs() - start;
    const heapAfter = gcAvailable() ? settledHeapBytes() : Number.NaN;
    return { things, createThingsMs, createJobMs, fanOutMs, heapPerExecution: (heapAfter - heapBefore) / things };
  } finally {
    await env.close();
  }
}

await printContext('Fleet scale (simulator, in-memory broker)', size);
const results: FleetResult[] = [];
for (const things of FLEETS) results.push(await measure(things));
const first = results[0]!;
printTable(
  'One job targeting N things; fan-out = until the broker delivered all 2N notifications to a wildcard subscription',
  ['things', 'CreateThing x N (ms)', 'CreateJob (ms)', 'fan-out (ms)', 'µs per execution', 'growth vs linear', 'heap per execution (bytes)'],
  results.map((result) => {
    const perExecution = (result.fanOutMs * 1000) / result.things;
    const firstPer = (first.fanOutMs * 1000) / first.things;
    return [
      fmt(result.things),
      fmt(result.createThingsMs, 1),
      fmt(result.createJobMs, 1),
      fmt(result.fanOutMs, 1),
      fmt(perExecution, 1),
      `${(perExecution / firstPer).toFixed(2)}x`,
      fmt(result.heapPerExecution),
    ];
  }),
);
if (!gcAvailable()) console.log('\n(heap figures need --expose-gc)');

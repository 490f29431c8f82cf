/**
 * 5. Gateway scale: 100, 1,000 and 10,000 things' `Jobs` on one connection,
 * in both subscription modes. Subscriptions used, heap per thing (forced gc),
 * time until every thing has listed its jobs, time until every thing saw the
 * notifications of a new job, and time to close them all.
 *
 * Run: `tsx --expose-gc bench/gateway-scale.ts [--tiny]`
 */

import { JobsClient } from '../lib/client/jobs-client.js';
import { Jobs } from '../lib/jobs.js';
import { Thing } from '../lib/thing.js';
import { benchSize, bySize, fmt, gcAvailable, nowMs, printContext, printTable, settledHeapBytes } from './support/common.js';
import { DOCUMENT, startEnvironment } from './support/environment.js';

const size = benchSize();
const GATEWAYS: readonly number[] = bySize(size, [10, 100], [100, 1_000, 10_000]);
const MODES = ['per-thing', 'wildcard'] as const;

async function measure(things: number, mode: (typeof MODES)[number]): Promise<string[]> {
  const env = await startEnvironment('memory');
  try {
    const names = Array.from({ length: things }, (_, index) => `gw-thing-${index}`);
    env.simulator.createJob({ jobId: 'gw-job-1', targets: names, document: DOCUMENT });
    const connection = await env.connect({ clientId: 'gateway' });
    // The per-thing rows pass AWS's 50-subscription quota on purpose (the in-memory broker has none): they show what it would cost.
    const client = JobsClient.for(connection, { subscriptions: mode, timeoutMs: 120_000, maxSubscriptions: Number.POSITIVE_INFINITY });

    const heapBefore = gcAvailable() ? settledHeapBytes() : Number.NaN;
    const start = nowMs();
    const all = names.map((thingName) => new Jobs(new Thing(thingName, connection)));
    await Promise.all(all.map((jobs) => jobs.ready));
    const subscribedMs = nowMs() - start;
    const lists = await Promise.all(all.map((jobs) => jobs.list()));
    const listedMs = nowMs() - start;
    if (lists.some(([, queued]) => queued.length !== 1)) throw new Error('a thing did not list its job');
    const heapAfter = gcAvailable() ? settledHeapBytes() : Number.NaN;
    const subscriptions = client.subscriptionCount;

    // A second job for every thing: its pending list grows (notify); the head stays (no notify-next).
    let changes = 0;
    let onAll: (() => void) | undefined;
    for (const jobs of all) {
      jobs.events.on('changed', ({ reason }) => {
        if (reason !== 'notify') return;
        changes += 1;
        if (changes === things) onAll?.();
      });
    }
    const notified = new Promise<void>((resolve) => (onAll = resolve));
    const notifyStart = nowMs();
    env.simulator.createJob({ jobId: 'gw-job-2', targets: names, document: DOCUMENT });
    await notified;
    const notifyMs = nowMs() - notifyStart;

    const closeStart = nowMs();
    await Promise.all(all.map((jobs) => jobs.close()));
    const closeMs = nowMs() - closeStart;
    await client.close();
    return [
      fmt(things),
      mode,
      fmt(subscriptions),
      fmt((heapAfter - heapBefore) / things),
      fmt(subscribedMs, 1),
      fmt(listedMs, 1),
      fmt(notifyMs, 1),
      fmt(closeMs, 1),
    ];
  } finally {
    await env.close();
  }
}

await printContext('Gateway scale (one connection, in-memory broker)', size);
const rows: string[][] = [];
for (const things of GATEWAYS) for (const mode of MODES) rows.push(await measure(things, mode));
printTable(
  'N things’ Jobs on one connection',
  ['things', 'subscriptions mode', 'filters granted', 'heap per thing (bytes)', 'all ready (ms)', 'all listed (ms)', 'all notified (ms)', 'all closed (ms)'],
  rows,
);

/**
 * Memory of the simulator server under the two hostile MQTT clients of issue
 * 18, with the default limits and with the limits lifted (as before them):
 * a client that sends describe requests for a job with a 32 KB document and
 * never reads, and a client that sends one 60 MB PUBLISH. Real sockets on
 * loopback, the server in this process; figures are growth over a baseline
 * read after gc: peak `arrayBuffers` (where queued socket data lives),
 * peak RSS, and heap + arrayBuffers after gc once the attack ended.
 *
 * Run: `node --expose-gc --import tsx bench/server-hostile-clients.ts` (`--tiny` for a smoke run)
 */

import type { Socket } from 'node:net';
import { startSimulatorServer, type SimulatorServer } from '../lib/server/server.js';
import { publishHeader, publishPacket, rawConnect } from '../spec/server/raw-mqtt.js';
import { benchSize, bySize, fmt, gcAvailable, printTable } from './support/common.js';

const MiB = 1024 * 1024;
const size = benchSize();
const REQUESTS = bySize(size, 200, 4_000);
const BIG_PAYLOAD = bySize(size, 4 * MiB, 60 * MiB);

interface Figures {
  outcome: string;
  peakBuffers: number;
  peakRss: number;
  settled: number;
}

function settled(): { heapAndBuffers: number; rss: number; buffers: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { heapAndBuffers: usage.heapUsed + usage.arrayBuffers, rss: usage.rss, buffers: usage.arrayBuffers };
}

async function withServer<T>(limited: boolean, run: (server: SimulatorServer, limit: Promise<string>) => Promise<T>): Promise<T> {
  let onLimit!: (kind: string) => void;
  const limit = new Promise<string>((resolve) => (onLimit = resolve));
  const server = await startSimulatorServer({
    mqttPort: 0,
    httpPort: 0,
    ...(limited ? {} : { maxOutboundBytes: Number.MAX_SAFE_INTEGER, maxPayloadBytes: 256 * MiB }),
    onLimit: (event) => onLimit(event.kind),
  });
  // Let the previous run's sockets finish closing before the baseline is read.
  await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    return await run(server, limit);
  } finally {
    await server.close();
  }
}

async function nonReader(limited: boolean): Promise<Figures> {
  return withServer(limited, async (server, limit) => {
    server.simulator.createThing({ thingName: 'dev' });
    server.simulator.createJob({ jobId: 'big', targets: ['dev'], document: JSON.stringify({ blob: 'x'.repeat(32_000) }) });
    const base = settled();
    let peakBuffers = base.buffers;
    let peakRss = base.rss;
    let answered = 0;
    let allAnswered!: () => void;
    const everything = new Promise<string>((resolve) => (allAnswered = () => resolve('all answered')));
    const simulator = server.simulator;
    const describe = simulator.describeJobExecutionForDevice.bind(simulator);
    simulator.describeJobExecutionForDevice = (...args) => {
      const usage = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
      peakRss = Math.max(peakRss, usage.rss);
      if (++answered === REQUESTS) allAnswered();
      return describe(...args);
    };
    const socket: Socket = await rawConnect(server.mqttPort!, 'dev');
    socket.pause();
    socket.on('error', () => undefined);
    const request = publishPacket('$aws/things/dev/jobs/big/get', '{}');
    socket.write(Buffer.concat(Array.from({ length: REQUESTS }, () => request)));
    const outcome = await Promise.race([limit, everything]);
    // Unlimited, the queued replies stay until the client reads or leaves: sample them once more.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const usage = process.memoryUsage();
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
    peakRss = Math.max(peakRss, usage.rss);
    const after = settled();
    socket.destroy();
    return { outcome: `${outcome} (${answered} answered)`, peakBuffers: peakBuffers - base.buffers, peakRss: peakRss - base.rss, settled: after.heapAndBuffers - base.heapAndBuffers };
  });
}

async function bigPublish(limited: boolean): Promise<Figures> {
  return withServer(limited, async (server, limit) => {
    const base = settled();
    let peakBuffers = base.buffers;
    let peakRss = base.rss;
    const socket = await rawConnect(server.mqttPort!, 'flooder');
    let open = true;
    socket.on('error', () => (open = false));
    socket.on('close', () => (open = false));
    let outcome = 'all sent';
    void limit.then((kind) => (outcome = kind));
    const chunk = Buffer.alloc(MiB, 0x61);
    await new Promise<void>((resolve) => socket.write(publishHeader('unrelated/blob', BIG_PAYLOAD), () => resolve()));
    for (let sent = 0; sent < BIG_PAYLOAD && open && outcome === 'all sent'; sent += MiB) {
      await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
      const usage = process.memoryUsage();
      peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
      peakRss = Math.max(peakRss, usage.rss);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const usage = process.memoryUsage();
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
    peakRss = Math.max(peakRss, usage.rss);
    const after = settled();
    socket.destroy();
    return { outcome, peakBuffers: peakBuffers - base.buffers, peakRss: peakRss - base.rss, settled: after.heapAndBuffers - base.heapAndBuffers };
  });
}

if (!gcAvailable()) console.warn('run with --expose-gc for settled figures');
const rows: string[][] = [];
// Limited runs first: what an unlimited run leaves behind is freed late and would skew a later baseline.
for (const limited of [true, false]) {
  for (const [name, attack] of [
    [`${REQUESTS} describes of a 32 KB job, never read`, nonReader],
    [`one ${BIG_PAYLOAD / MiB} MB PUBLISH`, bigPublish],
  ] as const) {
    const figures = await attack(limited);
    rows.push([name, limited ? 'default limits' : 'limits lifted', figures.outcome, fmt(figures.peakBuffers / MiB, 1), fmt(figures.peakRss / MiB, 1), fmt(figures.settled / MiB, 1)]);
  }
}
printTable('Server memory under hostile MQTT clients (MiB of growth)', ['attack', 'server', 'outcome', 'peak arrayBuffers', 'peak RSS', 'heap+buffers after gc'], rows);
process.exit(0);

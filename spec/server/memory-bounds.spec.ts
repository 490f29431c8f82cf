/**
 * Bounded memory per MQTT client, with real sockets on loopback: a client
 * that floods requests and never reads its socket, and a client that sends a
 * 60 MB PUBLISH, are disconnected before the server's memory grows past a
 * stated bound. Memory is read in this process (the server runs here) from
 * `process.memoryUsage()`: `arrayBuffers` (where queued and buffered socket
 * data lives) sampled while the attack runs, and heap + arrayBuffers after a
 * forced gc (`--expose-gc`, which `npm run jest` passes).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Socket } from 'node:net';
import type { AsyncMqttClient } from 'async-mqtt';
import { connect } from '../../lib/mqtt/connect.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import type { LimitEvent } from '../../lib/testing/connection-guard.js';
import { publishHeader, publishPacket, rawConnect } from './raw-mqtt.js';

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

let server: SimulatorServer | undefined;
const sockets: Socket[] = [];
const clients: AsyncMqttClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const client of clients.splice(0)) await client.end(true);
  await server?.close();
  server = undefined;
});

/** Heap and array buffers after a full gc. */
function settledBytes(): number {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Starts the server and resolves each limit event by kind. */
async function start(options: Parameters<typeof startSimulatorServer>[0] = {}): Promise<{ server: SimulatorServer; limit: (kind: LimitEvent['kind']) => Promise<LimitEvent> }> {
  const waiters = new Map<string, (event: LimitEvent) => void>();
  const seen = new Map<string, LimitEvent>();
  server = await startSimulatorServer({
    mqttPort: 0,
    httpPort: 0,
    ...options,
    onLimit: (event) => {
      seen.set(event.kind, event);
      waiters.get(event.kind)?.(event);
    },
  });
  const limit = (kind: LimitEvent['kind']): Promise<LimitEvent> =>
    new Promise((resolve) => {
      const already = seen.get(kind);
      if (already !== undefined) resolve(already);
      else waiters.set(kind, resolve);
    });
  return { server, limit };
}

test('gc is exposed (npm run jest passes --expose-gc), so the bounds below are measured after a real collection', () => {
  expect(typeof gc).toBe('function');
});

describe('a client that sends 4,000 describe requests for a job with a 32 KB document and never reads', () => {
  test('is disconnected once 8 MiB are queued for it; arrayBuffers never grow by more than 24 MiB (unbounded: ~128 MB)', async () => {
    const { server, limit } = await start();
    server.simulator.createThing({ thingName: 'dev' });
    server.simulator.createJob({ jobId: 'big', targets: ['dev'], document: JSON.stringify({ blob: 'x'.repeat(32_000) }) });
    const baseline = settledBytes();
    const baselineBuffers = process.memoryUsage().arrayBuffers;
    let peakBuffers = baselineBuffers;
    let answered = 0;
    const REQUESTS = 4_000;
    let allAnswered!: () => void;
    const everything = new Promise<void>((resolve) => (allAnswered = resolve));
    // Counts and samples around the real operation (a jest spy would keep every reply alive in mock.results).
    const simulator = server.simulator;
    const describe = simulator.describeJobExecutionForDevice.bind(simulator);
    simulator.describeJobExecutionForDevice = (...args) => {
      peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
      if (++answered === REQUESTS) allAnswered();
      return describe(...args);
    };

    const socket = await rawConnect(server.mqttPort!, 'dev');
    sockets.push(socket);
    socket.pause();
    socket.on('error', () => undefined);
    const request = publishPacket('$aws/things/dev/jobs/big/get', '{"includeJobDocument":true}');
    socket.write(Buffer.concat(Array.from({ length: REQUESTS }, () => request)));

    const outcome = await Promise.race([limit('slow-reader'), everything.then(() => 'all answered' as const)]);
    peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
    const grown = settledBytes() - baseline;

    expect(outcome).toMatchObject({ kind: 'slow-reader', limit: 8 * MiB });
    expect(answered).toBeLessThan(REQUESTS);
    expect(server.limitCounts['slow-reader']).toBe(1);
    expect(peakBuffers - baselineBuffers).toBeLessThan(24 * MiB);
    expect(grown).toBeLessThan(16 * MiB);
  });

  test('a smaller maxOutboundBytes disconnects sooner', async () => {
    const { server, limit } = await start({ maxOutboundBytes: MiB });
    server.simulator.createThing({ thingName: 'dev' });
    server.simulator.createJob({ jobId: 'big', targets: ['dev'], document: JSON.stringify({ blob: 'x'.repeat(32_000) }) });
    const socket = await rawConnect(server.mqttPort!, 'dev');
    sockets.push(socket);
    socket.pause();
    socket.on('error', () => undefined);
    const request = publishPacket('$aws/things/dev/jobs/big/get', '{}');
    socket.write(Buffer.concat(Array.from({ length: 2_000 }, () => request)));
    expect(await limit('slow-reader')).toMatchObject({ kind: 'slow-reader', limit: MiB });
  });
});

describe('a 60 MB PUBLISH to an unrelated topic', () => {
  test('closes the connection at its header; arrayBuffers never grow by more than 16 MiB (unbounded: +60 MB)', async () => {
    const { server, limit } = await start();
    const watcher = await connect(server.mqttUrl, { clientId: 'watcher', reconnectPeriodMs: 0 });
    clients.push(watcher);
    await watcher.subscribe('unrelated/#', { qos: 0 });
    const delivered = new Promise<'delivered'>((resolve) => watcher.on('message', () => resolve('delivered')));

    const baseline = settledBytes();
    const baselineBuffers = process.memoryUsage().arrayBuffers;
    let peakBuffers = baselineBuffers;
    const socket = await rawConnect(server.mqttPort!, 'flooder');
    sockets.push(socket);
    let open = true;
    socket.on('error', () => (open = false));
    socket.on('close', () => (open = false));
    const SIZE = 60 * MiB;
    const chunk = Buffer.alloc(MiB, 0x61);
    const refused = limit('packet-too-large');
    let stop = false;
    void refused.then(() => (stop = true));
    void delivered.then(() => (stop = true));
    const writeAll = async (): Promise<void> => {
      await new Promise<void>((resolve) => socket.write(publishHeader('unrelated/blob', SIZE), () => resolve()));
      for (let sent = 0; sent < SIZE && open && !stop; sent += MiB) {
        await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
        peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
      }
    };
    await writeAll();
    const outcome = await Promise.race([refused, delivered]);
    peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
    const grown = settledBytes() - baseline;

    expect(outcome).toMatchObject({ kind: 'packet-too-large', bytes: SIZE, limit: 128 * 1024 });
    expect(server.limitCounts['packet-too-large']).toBe(1);
    expect(peakBuffers - baselineBuffers).toBeLessThan(16 * MiB);
    expect(grown).toBeLessThan(16 * MiB);
  });
});

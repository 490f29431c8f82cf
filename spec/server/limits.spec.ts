/**
 * The server's connection limits, with real sockets on loopback: MQTT packet
 * size (AWS IoT Core's 128 KB payload, refused by disconnecting, as AWS
 * does), MQTT and HTTP connection caps, and the HTTP header timeout that
 * frees connections sending their headers slowly.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { connect as netConnect, type Socket } from 'node:net';
import type { AsyncMqttClient } from 'async-mqtt';
import { ConnectionClosedError } from '../../lib/errors.js';
import { connect } from '../../lib/mqtt/connect.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { DEFAULT_BROKER_LIMITS } from '../../lib/testing/broker.js';
import { FrameTracker } from '../../lib/testing/connection-guard.js';
import type { LimitEvent } from '../../lib/testing/connection-guard.js';
import { connectPacket, publishPacket, remainingLength } from './raw-mqtt.js';

let server: SimulatorServer | undefined;
const sockets: Socket[] = [];
const clients: AsyncMqttClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const client of clients.splice(0)) await client.end(true);
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startSimulatorServer>[0] = {}): Promise<{ server: SimulatorServer; events: LimitEvent[] }> {
  const events: LimitEvent[] = [];
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, ...options, onLimit: (event) => events.push(event) });
  return { server, events };
}

async function device(url: string, clientId: string): Promise<AsyncMqttClient> {
  const client = await connect(url, { clientId, reconnectPeriodMs: 0 });
  clients.push(client);
  return client;
}

/** Opens a raw socket; resolves once connected, with everything it receives and a promise of its close. */
function rawSocket(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = netConnect({ host: '127.0.0.1', port });
    sockets.push(socket);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

describe('MQTT packet size', () => {
  test('defaults: 128 KiB payload (AWS IoT Core), 8 MiB outbound queue, 1,000 connections', () => {
    expect(DEFAULT_BROKER_LIMITS).toEqual({ maxPayloadBytes: 131_072, maxOutboundBytes: 8 * 1024 * 1024, maxConnections: 1_000 });
  });

  test('a 128 KiB payload is delivered; one byte more closes the publisher, is never delivered, and is counted', async () => {
    const { server, events } = await start();
    const watcher = await device(server.mqttUrl, 'watcher');
    await watcher.subscribe('unrelated/#', { qos: 0 });
    const seen: Array<[string, number]> = [];
    let after!: () => void;
    const afterArrived = new Promise<void>((resolve) => (after = resolve));
    watcher.on('message', (topic: string, payload: Buffer) => {
      seen.push([topic, payload.length]);
      if (topic === 'unrelated/after') after();
    });

    const publisher = await device(server.mqttUrl, 'publisher');
    await publisher.publish('unrelated/max', Buffer.alloc(131_072, 1), { qos: 1 });
    const closed = new Promise<void>((resolve) => publisher.once('close', () => resolve()));
    void publisher.publish('unrelated/over', Buffer.alloc(131_073, 1), { qos: 0 }).catch(() => undefined);
    await closed;
    await (await device(server.mqttUrl, 'other')).publish('unrelated/after', 'x', { qos: 1 });
    await afterArrived;

    expect(seen).toEqual([
      ['unrelated/max', 131_072],
      ['unrelated/after', 1],
    ]);
    expect(events).toEqual([{ kind: 'packet-too-large', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/), bytes: 131_073, limit: 131_072 }]);
  });

  test('maxPayloadBytes is configurable: a Jobs request over it closes the connection', async () => {
    const { server, events } = await start({ maxPayloadBytes: 1024 });
    server.simulator.createThing({ thingName: 'dev' });
    const raw = await rawSocket(server.mqttPort!);
    raw.socket.write(connectPacket('dev'));
    raw.socket.write(publishPacket('$aws/things/dev/jobs/get', JSON.stringify({ clientToken: 'x'.repeat(2000) })));
    await raw.closed;
    expect(events).toMatchObject([{ kind: 'packet-too-large', limit: 1024 }]);
  });

  test('a non-PUBLISH packet larger than the limit plus the largest topic is refused at its header', async () => {
    const { server, events } = await start({ maxPayloadBytes: 1024 });
    const raw = await rawSocket(server.mqttPort!);
    // A SUBSCRIBE declaring 1 MiB: only its first bytes are sent.
    raw.socket.write(Buffer.concat([connectPacket('big-subscribe'), Buffer.from([0x82]), remainingLength(1024 * 1024), Buffer.from([0, 1])]));
    await raw.closed;
    expect(events).toMatchObject([{ kind: 'packet-too-large', bytes: 1024 * 1024 }]);
  });
});

describe('FrameTracker follows packet boundaries in any chunking', () => {
  const packets = Buffer.concat([
    connectPacket('a'),
    publishPacket('t/1', Buffer.alloc(100)),
    Buffer.from([0xc0, 0x00]), // PINGREQ
    publishPacket('t/2', Buffer.alloc(300)),
  ]);

  test.each([1, 2, 3, 7, 64, packets.length])('fed %i bytes at a time, it passes packets within the limit and stops at the first one over it', (size) => {
    const within = new FrameTracker(300);
    for (let i = 0; i < packets.length; i += size) expect(within.feed(packets.subarray(i, i + size))).toBeUndefined();
    const tight = new FrameTracker(200);
    const verdicts: unknown[] = [];
    for (let i = 0; i < packets.length; i += size) verdicts.push(tight.feed(packets.subarray(i, i + size)));
    expect(verdicts.filter((verdict) => verdict !== undefined)[0]).toEqual({ bytes: 300, limit: 200 });
  });

  test('a QoS 1 PUBLISH counts its packet id out of the payload', () => {
    const qos1 = Buffer.concat([Buffer.from([0x32]), remainingLength(2 + 1 + 2 + 200), Buffer.from([0, 1]), Buffer.from('t'), Buffer.from([0, 7]), Buffer.alloc(200)]);
    expect(new FrameTracker(200).feed(qos1)).toBeUndefined();
    expect(new FrameTracker(199).feed(qos1)).toEqual({ bytes: 200, limit: 199 });
  });
});

describe('connection caps', () => {
  test('MQTT: a connection over maxConnections is closed at once and counted; connect() rejects', async () => {
    const { server, events } = await start({ maxConnections: 2 });
    await device(server.mqttUrl, 'one');
    await device(server.mqttUrl, 'two');
    await expect(connect(server.mqttUrl, { clientId: 'three', reconnectPeriodMs: 0 })).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(events).toMatchObject([{ kind: 'connection-refused', limit: 2 }]);
    expect(server.limitCounts['connection-refused']).toBe(1);
  });

  test('HTTP: of 6 connections sending headers slowly with a cap of 5, one is closed at once with no answer', async () => {
    const { server, events } = await start({ maxHttpConnections: 5 });
    const raws = await Promise.all(Array.from({ length: 6 }, () => rawSocket(server.httpPort)));
    for (const raw of raws) raw.socket.write('GET /things/dev/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const first = await Promise.race(raws.map((raw, index) => raw.closed.then(() => index)));
    expect(raws[first]!.received()).toBe('');
    expect(events).toMatchObject([{ kind: 'connection-refused', limit: 5 }]);
  });

  test('HTTP: a connection that does not finish its headers within headersTimeoutMs gets 408 and is closed', async () => {
    const { server } = await start({ headersTimeoutMs: 200 });
    const slow = await rawSocket(server.httpPort);
    slow.socket.write('GET /things/dev/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });
});

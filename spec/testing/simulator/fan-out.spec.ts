/**
 * The fan-out of a job to many things (issue 15, item 2): notifications are
 * handed to the broker in chunks per turn of the event loop, with a bounded
 * window of publishes the broker has not yet written, so a slow subscriber
 * makes them wait in the simulator rather than in the broker; and no
 * notification clones the job document.
 */

import { afterEach, describe, expect, test } from '@jest/globals';
import { connect as netConnect, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Aedes, Client } from 'aedes';
import { createInMemoryBroker, createTcpBroker, type TestBroker } from '../../../lib/testing/broker.js';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { InvalidArgumentError } from '../../../lib/errors.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(broker: TestBroker, simulator: JobsSimulator): Promise<void> {
  closers.push(() => broker.close());
  await simulator.attach(broker);
  closers.push(() => simulator.close());
}

/** Counts the notifications handed to aedes and those it has not yet called back. */
function watchPublishes(aedes: Aedes): { handed: () => number; outstanding: () => number; maxOutstanding: () => number; written: () => number } {
  let handed = 0;
  let written = 0;
  let maxOutstanding = 0;
  const original = aedes.publish.bind(aedes);
  aedes.publish = (packet, callback) => {
    if (!packet.topic.startsWith('$aws/')) return original(packet, callback);
    handed += 1;
    maxOutstanding = Math.max(maxOutstanding, handed - written);
    original(packet, (error) => {
      written += 1;
      callback(error);
    });
  };
  return { handed: () => handed, outstanding: () => handed - written, maxOutstanding: () => maxOutstanding, written: () => written };
}

function thingNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `fleet-${i}`);
}

describe('notification delivery', () => {
  test('a fan-out is handed to the broker in chunks: at most `chunk` in the turn of CreateJob, all of them later', async () => {
    const broker = await createInMemoryBroker();
    const simulator = new JobsSimulator({ autoCreateThings: true, notificationDelivery: { window: 100_000, chunk: 50 } });
    await start(broker, simulator);
    const counter = watchPublishes(broker.aedes);
    let delivered = 0;
    let allDelivered: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allDelivered = resolve));
    await new Promise<void>((resolve) =>
      broker.aedes.subscribe(
        '$aws/things/+/jobs/#',
        (_packet, callback) => {
          delivered += 1;
          if (delivered === 1000) allDelivered();
          callback();
        },
        resolve,
      ),
    );

    simulator.createJob({ jobId: 'wide', targets: thingNames(500), document: '{"op":"x"}' });
    expect(counter.handed()).toBeLessThanOrEqual(50);
    await done;
    expect(counter.handed()).toBe(1000);
  });

  test('a subscriber that stops reading holds the fan-out in the simulator: the broker never has more than `window` notifications unwritten', async () => {
    const broker = await createTcpBroker();
    const window = 8;
    const simulator = new JobsSimulator({ autoCreateThings: true, notificationDelivery: { window, chunk: 4 } });
    await start(broker, simulator);
    const counter = watchPublishes(broker.aedes);
    const subscriber = await rawSubscriber(broker.port, 'slow-monitor', '$aws/things/+/jobs/notify-next');
    closers.push(() => subscriber.close());
    subscriber.socket.pause();

    const things = 600;
    // ~30 KB per notify-next: 18 MB in all, more than loopback socket buffers hold.
    const document = JSON.stringify({ blob: 'x'.repeat(30_000) });
    simulator.createJob({ jobId: 'wide', targets: thingNames(things), document });

    const conn = ((broker.aedes as unknown as { clients: Record<string, Client & { conn: Socket }> }).clients['slow-monitor'] as { conn: Socket }).conn;
    await until(() => conn.writableNeedDrain && counter.outstanding() === window, 200_000);
    const handedWhenStalled = counter.handed();
    for (let turn = 0; turn < 50; turn += 1) await nextTurn();
    expect(counter.handed()).toBe(handedWhenStalled);
    expect(handedWhenStalled).toBeLessThan(2 * things);

    subscriber.socket.resume();
    await subscriber.received(things);
    expect(counter.handed()).toBe(2 * things);
    expect(counter.maxOutstanding()).toBeLessThanOrEqual(window);
  });

  test('notify-next shares the job document, frozen, instead of cloning it per thing', () => {
    const simulator = new JobsSimulator({ autoCreateThings: true });
    const events: NotifyNextEvent[] = [];
    simulator.on('notify-next', (event) => events.push(event));
    simulator.createJob({ jobId: 'shared', targets: ['a', 'b', 'c'], document: '{"steps":[{"run":"x"}]}' });
    const documents = events.map((event) => event.payload.execution?.jobDocument);
    expect(documents).toHaveLength(3);
    expect(documents[0]).toEqual({ steps: [{ run: 'x' }] });
    expect(documents[1]).toBe(documents[0]);
    expect(documents[2]).toBe(documents[0]);
    expect(Object.isFrozen(documents[0])).toBe(true);
    expect(Object.isFrozen((documents[0] as { steps: unknown[] }).steps[0])).toBe(true);
  });

  test('bad delivery limits are an InvalidArgumentError', () => {
    expect(() => new JobsSimulator({ notificationDelivery: { window: 0 } })).toThrow(InvalidArgumentError);
    expect(() => new JobsSimulator({ notificationDelivery: { chunk: 1.5 } })).toThrow(InvalidArgumentError);
  });
});

/** Awaits `condition`, checking once per turn of the event loop, for at most `turns` turns. */
async function until(condition: () => boolean, turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error(`condition not met in ${turns} turns`);
}

/** A raw MQTT 3.1.1 subscriber on a TCP socket, so the test can stop it reading. Counts the PUBLISH packets it reads. */
async function rawSubscriber(
  port: number,
  clientId: string,
  filter: string,
): Promise<{ socket: Socket; received: (count: number) => Promise<void>; close: () => Promise<void> }> {
  const socket = netConnect({ host: '127.0.0.1', port, noDelay: true });
  let buffer = Buffer.alloc(0);
  let publishes = 0;
  let acks = 0;
  let wake: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  socket.once('close', () => fail(new Error('subscriber closed')));
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const frame = frameLength(buffer);
      if (frame === undefined || buffer.length < frame.total) break;
      const type = (buffer[0] as number) >> 4;
      if (type === 3) publishes += 1;
      else if (type === 2 || type === 9) acks += 1;
      buffer = buffer.subarray(frame.total);
    }
    wake();
  });
  const waitFor = async (check: () => boolean): Promise<void> => {
    while (!check()) {
      await new Promise<void>((resolve, reject) => {
        wake = resolve;
        fail = reject;
      });
    }
  };
  const id = Buffer.from(clientId);
  const connectBody = Buffer.concat([Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, id.length]), id]);
  const topic = Buffer.from(filter);
  const subscribeBody = Buffer.concat([Buffer.from([0, 1, 0, topic.length]), topic, Buffer.from([0])]);
  socket.write(Buffer.concat([Buffer.from([0x10, connectBody.length]), connectBody, Buffer.from([0x82, subscribeBody.length]), subscribeBody]));
  await waitFor(() => acks === 2);
  return {
    socket,
    received: (count) => waitFor(() => publishes >= count),
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}

/** The total length of the MQTT frame at the start of `buffer`, once its header is complete. */
function frameLength(buffer: Buffer): { total: number } | undefined {
  let length = 0;
  let multiplier = 1;
  for (let i = 1; i < Math.min(buffer.length, 5); i += 1) {
    const byte = buffer[i] as number;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { total: i + 1 + length };
    multiplier *= 128;
  }
  return undefined;
}

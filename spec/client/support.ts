/**
 * Test support for the client suites: device connections over both MQTT
 * libraries (async-mqtt, and mqtt.js v5 through `fromMqttJs`), an environment
 * with the simulator, and a raw "service" that plays the Jobs service by hand
 * for the fault cases the simulator does not produce (unknown tokens,
 * malformed replies).
 * @packageDocumentation
 */

import type { EventEmitter } from 'node:events';
import type { jest } from '@jest/globals';
import type { Duplex } from 'node:stream';
import type { AsyncMqttClient } from 'async-mqtt';
import { MqttClient, type IClientOptions } from 'mqtt';
import type { MqttConnection } from '../../lib/mqtt/connection.js';
import { fromMqttJs } from '../../lib/mqtt/mqtt-js-adapter.js';
import { JobsClient, type JobsClientDebugEvent, type JobsClientEvents, type JobsClientOptions } from '../../lib/client/jobs-client.js';
import { parseJobsTopic } from '../../lib/protocol/topics.js';
import { createInMemoryBroker, type TestBroker } from '../../lib/testing/broker.js';
import { createDuplexPair } from '../../lib/testing/duplex-pair.js';
import { JobsSimulator, type JobsSimulatorOptions } from '../../lib/testing/simulator/jobs-simulator.js';

/** The two MQTT libraries the client runs over. */
export const TRANSPORTS = ['async-mqtt', 'mqtt.js v5'] as const;
/** One of {@link TRANSPORTS}. */
export type Transport = (typeof TRANSPORTS)[number];

/** Options of a device connection. */
export interface DeviceOptions {
  clientId?: string;
  /** @defaultValue 0 (no reconnects) */
  reconnectPeriod?: number;
  /** @defaultValue true */
  clean?: boolean;
  /** mqtt.js's own re-subscribe on reconnect. @defaultValue true */
  resubscribe?: boolean;
  /** @defaultValue 0 (no keep-alive timers, so fake timers see only the client's) */
  keepalive?: number;
}

/** A connected device. */
export interface Device {
  readonly clientId: string;
  readonly connection: MqttConnection;
  /** The MQTT library's client, to count its listeners. */
  readonly emitter: Pick<EventEmitter, 'listenerCount'>;
  end(): Promise<void>;
}

let clientCounter = 0;

/** Connects a device to `broker` over `transport`. */
export async function connectDevice(broker: TestBroker, transport: Transport, options: DeviceOptions = {}): Promise<Device> {
  clientCounter += 1;
  const clientId = options.clientId ?? `device-${clientCounter}`;
  const common = {
    clientId,
    reconnectPeriod: options.reconnectPeriod ?? 0,
    clean: options.clean ?? true,
    resubscribe: options.resubscribe ?? true,
    keepalive: options.keepalive ?? 0,
    protocolVersion: 4 as const,
  };
  if (transport === 'async-mqtt') {
    const client: AsyncMqttClient = await broker.connect(common);
    return { clientId, connection: client, emitter: client, end: () => client.end(true) };
  }
  const client = await connectMqttJs(broker, common);
  return { clientId, connection: fromMqttJs(client), emitter: client, end: () => client.endAsync(true) };
}

/** An mqtt.js v5 client on the in-memory broker (aedes speaks MQTT 3.1.1: protocolVersion 4). */
export async function connectMqttJs(broker: TestBroker, options: IClientOptions): Promise<MqttClient> {
  const streamBuilder = (): Duplex => {
    const [clientSide, brokerSide] = createDuplexPair();
    broker.aedes.handle(brokerSide);
    return clientSide;
  };
  const client = new MqttClient(streamBuilder, { protocolVersion: 4, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** A broker, the simulator, devices and clients, closed together. */
export class TestBed {
  readonly devices: Device[] = [];
  readonly clients: JobsClient[] = [];

  private constructor(
    readonly broker: TestBroker,
    readonly sim: JobsSimulator | undefined,
  ) {}

  /** A broker with the simulator attached (`sim: false` for a bare broker). */
  static async start(options: { sim?: JobsSimulatorOptions | false; authorizeSubscribe?: AuthorizeSubscribe } = {}): Promise<TestBed> {
    const broker = await createInMemoryBroker(options.authorizeSubscribe ? { authorizeSubscribe: options.authorizeSubscribe } : {});
    let sim: JobsSimulator | undefined;
    if (options.sim !== false) {
      sim = new JobsSimulator(options.sim ?? {});
      await sim.attach(broker);
    }
    return new TestBed(broker, sim);
  }

  /** The simulator (fails the test when started without one). */
  get simulator(): JobsSimulator {
    if (this.sim === undefined) throw new Error('started without a simulator');
    return this.sim;
  }

  /** Connects a device over `transport` and builds a client on it. */
  async client(transport: Transport, options: JobsClientOptions = {}, device: DeviceOptions = {}): Promise<{ client: JobsClient; device: Device }> {
    const connected = await connectDevice(this.broker, transport, device);
    this.devices.push(connected);
    const client = new JobsClient(connected.connection, options);
    this.clients.push(client);
    return { client, device: connected };
  }

  /** A thing with `jobs` queued jobs (`<thing>-job-<i>`, document `{"op":"<i>"}`), created in order. */
  thingWithJobs(thingName: string, jobs: number): string[] {
    const sim = this.simulator;
    sim.createThing({ thingName });
    const ids: string[] = [];
    for (let i = 0; i < jobs; i += 1) {
      const jobId = `${thingName}-job-${i}`;
      sim.createJob({ jobId, targets: [thingName], document: JSON.stringify({ op: String(i) }) });
      ids.push(jobId);
    }
    return ids;
  }

  async close(): Promise<void> {
    for (const client of this.clients) await client.close();
    for (const device of this.devices) await device.end();
    await this.sim?.close();
    await this.broker.close();
  }
}

/** aedes' authorizeSubscribe hook. */
export type AuthorizeSubscribe = (
  client: unknown,
  subscription: { topic: string; qos: 0 | 1 | 2 },
  callback: (error: Error | null, subscription?: { topic: string; qos: 0 | 1 | 2 } | null) => void,
) => void;

/** A request the raw service saw. */
export interface SeenRequest {
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * Plays the Jobs service by hand: records requests, and replies only when
 * told to, through the broker (the client subscribes to its reply topics).
 */
export class RawService {
  private readonly requests: SeenRequest[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly client: AsyncMqttClient) {
    client.on('message', (topic: string, payload: Buffer) => {
      if (parseJobsTopic(topic)?.kind !== 'request') return;
      this.requests.push({ topic, payload: JSON.parse(payload.toString() || '{}') as Record<string, unknown> });
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  static async start(broker: TestBroker): Promise<RawService> {
    const client = await broker.connect({ clientId: 'raw-service' });
    await client.subscribe('$aws/things/+/jobs/#', { qos: 1 });
    return new RawService(client);
  }

  /** Resolves with the next request not yet taken. */
  async nextRequest(): Promise<SeenRequest> {
    while (this.requests.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.requests.shift()!;
  }

  /** Publishes a reply (object → JSON; strings and buffers as is). */
  async reply(topic: string, payload: unknown): Promise<void> {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    await this.client.publish(topic, body, { qos: 1 });
  }
}

/** Collects debug events. */
export function debugLog(): { events: JobsClientDebugEvent[]; onDebug: (event: JobsClientDebugEvent) => void } {
  const events: JobsClientDebugEvent[] = [];
  return { events, onDebug: (event) => events.push(event) };
}

/** Resolves with the next `type` event of `client`. */
export function nextEvent<K extends keyof JobsClientEvents>(client: JobsClient, type: K): Promise<JobsClientEvents[K]> {
  return new Promise((resolve) => {
    const handler = (event: JobsClientEvents[K]): void => {
      client.events.off(type, handler);
      resolve(event);
    };
    client.events.on(type, handler);
  });
}

/**
 * A simulator clock driven by hand, independent of jest fake timers, so a test
 * can hold a delayed reply back until the client's own (fake) timer fired.
 */
export class ManualClock {
  private time = 1_700_000_000_000;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextHandle = 1;
  private scheduledWaiters: Array<() => void> = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, fn });
    const waiters = this.scheduledWaiters;
    this.scheduledWaiters = [];
    for (const wake of waiters) wake();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Resolves once a timer is pending. */
  async scheduled(): Promise<void> {
    while (this.timers.size === 0) await new Promise<void>((resolve) => this.scheduledWaiters.push(resolve));
  }

  /** Moves time on and runs the timers that fall due. */
  advance(ms: number): void {
    this.time += ms;
    for (const [handle, timer] of [...this.timers]) {
      if (timer.at > this.time) continue;
      this.timers.delete(handle);
      timer.fn();
    }
  }
}

/** Resolves with the first debug event that `predicate` accepts. */
export function debugWaiter(): {
  onDebug: (event: JobsClientDebugEvent) => void;
  events: JobsClientDebugEvent[];
  next: <E extends JobsClientDebugEvent>(predicate: (event: JobsClientDebugEvent) => event is E) => Promise<E>;
} {
  const events: JobsClientDebugEvent[] = [];
  let waiters: Array<(event: JobsClientDebugEvent) => boolean> = [];
  return {
    events,
    onDebug: (event) => {
      events.push(event);
      waiters = waiters.filter((waiter) => !waiter(event));
    },
    next: (predicate) =>
      new Promise((resolve) => {
        waiters.push((event) => {
          if (!predicate(event)) return false;
          resolve(event);
          return true;
        });
      }),
  };
}

/** Narrows debug events to ignored replies. */
export function isIgnoredReply(event: JobsClientDebugEvent): event is Extract<JobsClientDebugEvent, { type: 'ignored-reply' }> {
  return event.type === 'ignored-reply';
}

/** Fake timers for the client's own timers only: the in-memory streams (nextTick, setImmediate) keep running. */
export const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] };

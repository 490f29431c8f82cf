/**
 * Test helpers for the simulator's own suites: raw async-mqtt devices that
 * record every message in arrival order, and a round trip that proves nothing
 * else arrived.
 * @packageDocumentation
 */

import { expect } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { createInMemoryBroker, type TestBroker } from '../../../lib/testing/broker.js';
import { JobsSimulator, type JobsSimulatorOptions } from '../../../lib/testing/simulator/jobs-simulator.js';
import { SimulatorError } from '../../../lib/testing/simulator/simulator-error.js';

/** A message as received. */
export interface Received {
  topic: string;
  payload: Record<string, unknown>;
  raw: string;
}

let tokenCounter = 0;

/** A raw MQTT device that records every message. */
export class RawDevice {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    readonly client: AsyncMqttClient,
    readonly thingName: string,
  ) {
    client.on('message', (topic: string, payload: Buffer) => {
      const raw = payload.toString();
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        parsed = { unparsable: raw };
      }
      this.received.push({ topic, payload: parsed, raw });
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** `$aws/things/<thing>/jobs` + suffix. */
  topic(suffix: string): string {
    return `$aws/things/${this.thingName}/jobs${suffix}`;
  }

  /** Publishes a raw payload (object → JSON) at QoS 1. */
  async publish(suffix: string, payload: unknown = {}): Promise<void> {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    await this.client.publish(this.topic(suffix), body, { qos: 1 });
  }

  /** Subscribes to the thing's notifications. */
  async subscribeNotifications(): Promise<void> {
    await this.client.subscribe([this.topic('/notify'), this.topic('/notify-next')], { qos: 1 });
  }

  /** Waits for the next unread message. */
  async next(): Promise<Received> {
    while (this.received.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received.shift()!;
  }

  /** Publishes a request and returns its reply (the next message must be it). */
  async request(suffix: string, payload: unknown = {}): Promise<Received> {
    await this.publish(suffix, payload);
    return this.next();
  }

  /**
   * Proves that nothing is unread: a GetPending round trip with a fresh
   * clientToken must be the very next message. Returns its reply.
   */
  async expectNothingElse(): Promise<Received> {
    const clientToken = `flush-${++tokenCounter}`;
    await this.publish('/get', { clientToken });
    const message = await this.next();
    expect({ topic: message.topic, clientToken: message.payload.clientToken }).toEqual({ topic: this.topic('/get/accepted'), clientToken });
    return message;
  }
}

/** A broker with a simulator attached. */
export interface Harness {
  broker: TestBroker;
  simulator: JobsSimulator;
  device(thingName: string, options?: { clientId?: string; subscribe?: boolean; keepalive?: number }): Promise<RawDevice>;
  close(): Promise<void>;
}

/** Starts a broker and a simulator (things t1..t3 exist). */
export async function startHarness(options: JobsSimulatorOptions = {}): Promise<Harness> {
  const broker = await createInMemoryBroker();
  const simulator = new JobsSimulator(options);
  await simulator.attach(broker);
  for (const thingName of ['t1', 't2', 't3']) simulator.createThing({ thingName });
  return {
    broker,
    simulator,
    device: async (thingName, deviceOptions = {}) => {
      const client = await broker.connect({
        ...(deviceOptions.clientId === undefined ? {} : { clientId: deviceOptions.clientId }),
        ...(deviceOptions.keepalive === undefined ? {} : { keepalive: deviceOptions.keepalive }),
      });
      const device = new RawDevice(client, thingName);
      if (deviceOptions.subscribe ?? true) await device.subscribeNotifications();
      return device;
    },
    close: async () => {
      await simulator.close();
      await broker.close();
    },
  };
}

/** A job document used across tests. */
export const DOC = { operation: 'reboot' };

/** Creates a job with DOC targeting `things`. */
export function queueJob(simulator: JobsSimulator, jobId: string, things: string[], extra: Record<string, unknown> = {}): void {
  simulator.createJob({ jobId, targets: things, document: JSON.stringify(DOC), ...extra });
}

/** A clock the test sets by hand: `advance(ms)` runs the timers that fall due, in order. */
export class ManualClock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;

  constructor(public ms = 1_719_940_632_789) {}

  now = (): number => this.ms;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.timers.push({ at: this.ms + ms, fn, id });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };

  /** Number of timers armed. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.ms = Math.max(this.ms, due.at);
      due.fn();
    }
    this.ms = target;
  }
}

/** The SimulatorError `call` throws; fails the test when it throws nothing or something else. */
export function refusal(call: () => unknown): SimulatorError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    return error as SimulatorError;
  }
  throw new Error('expected the call to throw');
}

/**
 * The runner's test bed: the in-memory broker and the simulator on jest fake
 * timers, a device connection per thing, a record of every update the device
 * published (seen by the broker), and a driver that lets the MQTT streams run
 * (real setImmediate) before it moves fake time on.
 * @packageDocumentation
 */

import { jest } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { Thing } from '../../lib/thing.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';
import type { JobRunner } from '../../lib/runner/job-runner.js';
import type { JobRunnerEvents } from '../../lib/runner/runner-events.js';

/** Noon, 2 July 2024: fake time starts here. */
export const NOON = Date.UTC(2024, 6, 2, 12, 0, 0);
/** One minute in ms. */
export const MINUTE = 60_000;

/** One UpdateJobExecution as published by a device. */
export interface PublishedUpdate {
  thingName: string;
  jobId: string;
  status: string;
  statusDetails: Record<string, string> | undefined;
  stepTimeoutInMinutes: number | undefined;
  /** Fake time of the publish. */
  at: number;
}

/** The bed. */
export class RunnerBed {
  readonly updates: PublishedUpdate[] = [];
  private constructor(readonly env: TestEnvironment) {
    env.broker.aedes.on('publish', (packet) => {
      const match = /^\$aws\/things\/([^/]+)\/jobs\/([^/]+)\/update$/.exec(packet.topic);
      if (match === null) return;
      try {
        const body = JSON.parse(packet.payload.toString()) as Record<string, unknown>;
        this.updates.push({
          thingName: match[1]!,
          jobId: match[2]!,
          status: String(body.status),
          statusDetails: body.statusDetails as Record<string, string> | undefined,
          stepTimeoutInMinutes: body.stepTimeoutInMinutes as number | undefined,
          at: Date.now(),
        });
      } catch {
        // not ours to judge
      }
    });
  }

  /** Starts the bed, then fakes every timer but the ones the streams run on. */
  static async start(): Promise<RunnerBed> {
    const env = await createTestEnvironment({ autoCreateThings: true });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: NOON });
    return new RunnerBed(env);
  }

  get simulator(): TestEnvironment['simulator'] {
    return this.env.simulator;
  }

  /** A device connection (no keepalive: fake time must not time it out). */
  async connect(thingName: string, options: { reconnectPeriod?: number; clientId?: string } = {}): Promise<{ thing: Thing; connection: AsyncMqttClient }> {
    const connection = await this.env.connect({ clientId: options.clientId ?? thingName, keepalive: 0, reconnectPeriod: options.reconnectPeriod ?? 0 });
    return { thing: new Thing(thingName, connection), connection };
  }

  /** Queues a job for the things. */
  createJob(jobId: string, targets: string[], document: object, extra: Record<string, unknown> = {}): void {
    this.simulator.createJob({ jobId, targets, document: JSON.stringify(document), ...extra });
  }

  /** The execution as the service holds it. */
  execution(jobId: string, thingName: string): { status: string; statusDetails?: { detailsMap?: Record<string, string> }; versionNumber?: number } {
    return this.simulator.describeJobExecution({ jobId, thingName }).execution;
  }

  /** Updates published for this job. */
  updatesOf(jobId: string, thingName?: string): PublishedUpdate[] {
    return this.updates.filter((u) => u.jobId === jobId && (thingName === undefined || u.thingName === thingName));
  }

  async close(): Promise<void> {
    jest.useRealTimers();
    await this.env.close();
  }
}

/** Lets the in-memory MQTT streams and promise chains run, without moving fake time. */
export async function settle(rounds = 40): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits for `condition`, letting I/O run and moving fake time `stepMs` at a time; bounded by `maxSteps`. */
export async function until(condition: () => boolean, what: string, { stepMs = 0, maxSteps = 2_000 } = {}): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    if (condition()) return;
    await settle();
    if (condition()) return;
    if (stepMs > 0) jest.advanceTimersByTime(stepMs);
  }
  throw new Error(`not reached: ${what}`);
}

/** Records a runner's events in order. */
export function record(runner: JobRunner): Array<{ type: keyof JobRunnerEvents; event: JobRunnerEvents[keyof JobRunnerEvents] }> {
  const seen: Array<{ type: keyof JobRunnerEvents; event: JobRunnerEvents[keyof JobRunnerEvents] }> = [];
  runner.events.on('*', (type, event) => seen.push({ type, event }));
  return seen;
}

/** A promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

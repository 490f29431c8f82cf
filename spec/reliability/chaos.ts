/**
 * The model-based chaos test of a long-lived device (issue 12, item 9), shared
 * by `spec/reliability/chaos.spec.ts` (`npm test`, 200 sequences) and
 * `npm run chaos` (10,000).
 *
 * A device runs the README's never-returning loop (`demo/device-loop.ts`)
 * against the Jobs simulator on an in-memory aedes broker, on jest's fake
 * clock, while fast-check interleaves random commands: CreateJob, CancelJob
 * (with and without force), DeleteJob, DeleteThing, a dropped connection, a
 * broker restart, throttled / dropped / duplicated / delayed replies, a slow
 * handler (a job with several progress reports), a second JobsClient and a
 * second Jobs on the same connection, and the device's loop closed and
 * started again (its Jobs closed at a random moment). Then the faults stop,
 * time runs on, and the invariants are checked.
 * @packageDocumentation
 */

import { jest } from '@jest/globals';
import { Aedes } from 'aedes';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import fc from 'fast-check';
import { runDeviceLoop } from '../../demo/device-loop.js';
import { Jobs, JobsClient, Thing } from '../../lib/index.js';
import { mqtt4 } from '../../lib/mqtt/mqtt4.js';
import type { JobsOperation } from '../../lib/protocol/topics.js';
import { createDuplexPair } from '../../lib/testing/duplex-pair.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';

const THING = 'chaos-device';
const EVENTS = ['message', 'connect', 'close'] as const;
/** What the shared client (message, close) and the connection's registry (connect, close) keep while open. */
const LIBRARY_LISTENERS = [1, 1, 2];
const OPERATIONS: JobsOperation[] = ['getPending', 'describe', 'update', 'startNext'];
/** The commands that inject a fault (by name). */
const FAULT = /^(Disconnect|RestartBroker|Throttle|DropReply|DuplicateReply|DelayReply|RestartLoop)/;

/** What the model knows of one job. */
interface ModelJob {
  readonly jobId: string;
  /** The status the device chooses for it (by its document). */
  readonly expected: 'SUCCEEDED' | 'FAILED';
  /** A cancel, a delete or a DeleteThing touched it: it may end CANCELED / REMOVED / gone instead. */
  excused: boolean;
}

/** The model: the jobs created so far. */
interface Model {
  jobs: ModelJob[];
  next: number;
}

/** Figures of one run, summed over the sequences. */
export interface ChaosFigures {
  sequences: number;
  commands: number;
  faults: number;
  jobs: number;
  /** Jobs no cancel or delete touched, checked to end in the device's status. */
  verified: number;
}

/** The system under test. */
export class Device {
  readonly simulator = new JobsSimulator({ autoCreateThings: true });
  private aedes!: Aedes;
  private detach: (() => Promise<void>) | undefined;
  connection!: AsyncMqttClient;
  private stop = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  readonly loopErrors: unknown[] = [];
  /** The MQTT client's own listeners, before the library added any. */
  baseline: number[] = [];
  /** Jobs whose final update the device logged as done. */
  readonly finals = new Map<string, number>();

  async start(): Promise<void> {
    await this.startBroker();
    const raw = new mqtt4.MqttClient(
      () => {
        const [clientSide, brokerSide] = createDuplexPair();
        // While the broker restarts, connections are refused (a closed aedes would still answer CONNECT).
        if (this.aedes.closed) process.nextTick(() => clientSide.destroy());
        else this.aedes.handle(brokerSide);
        return clientSide;
      },
      { clientId: THING, reconnectPeriod: 100, keepalive: 0, clean: true, connectTimeout: 5_000 },
    );
    this.connection = new asyncMqtt.AsyncClient(raw);
    if (process.env.CHAOS_TRACE !== undefined) {
      for (const event of ['connect', 'close', 'offline', 'error', 'reconnect', 'end'] as const) {
        raw.on(event, (arg?: unknown) => trace(`mqtt ${event} ${arg instanceof Error ? arg.message : ''}`));
      }
      JobsClient.for(this.connection, { onDebug: (event) => trace(`debug ${JSON.stringify(event, (_, v: unknown) => (v instanceof Error ? v.message : v))}`) });
    }
    this.baseline = EVENTS.map((event) => this.connection.listenerCount(event));
    this.startLoop();
  }

  async startBroker(): Promise<void> {
    this.aedes = await Aedes.createBroker();
    this.detach = await this.simulator.attach(this.aedes);
  }

  async restartBroker(): Promise<void> {
    const old = this.aedes;
    await this.detach?.();
    await new Promise<void>((resolve) => old.close(() => resolve()));
    await this.startBroker();
  }

  startLoop(): void {
    this.stop = new AbortController();
    this.loop = runDeviceLoop(
      new Thing(THING, this.connection),
      (line) => {
        if (process.env.CHAOS_TRACE !== undefined) trace(`device: ${line}`);
        const final = /^(\S+)@\S+: update (SUCCEEDED|FAILED) .* -> version/.exec(line);
        if (final !== null) this.finals.set(final[1]!, (this.finals.get(final[1]!) ?? 0) + 1);
      },
      this.stop.signal,
    ).catch((error: unknown) => void this.loopErrors.push(error));
  }

  async restartLoop(): Promise<void> {
    this.stop.abort();
    await this.loop;
    this.startLoop();
  }

  /** Resolves once the MQTT client is connected (and done replaying its store). */
  async connectedAgain(): Promise<void> {
    if (this.connection.connected) return;
    await new Promise<void>((resolve) => this.connection.once('connect', () => resolve()));
  }

  async stopLoop(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  async close(): Promise<void> {
    await this.stopLoop();
    await JobsClient.for(this.connection).close();
    await this.connection.end(true);
    await this.detach?.();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await this.simulator.close();
  }
}

/** Lets the in-memory streams (real setImmediate) and fake time run together. */
export async function settle(ms: number): Promise<void> {
  const steps = Math.max(1, Math.ceil(ms / 50));
  for (let i = 0; i < steps; i += 1) {
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    await jest.advanceTimersByTimeAsync(Math.min(50, ms));
  }
}

/**
 * Awaits `promise` while fake time runs (in 50 ms steps, the streams running
 * between steps). Nothing the device does may take longer than `limitMs` of
 * fake time: past it, this throws (a hang: a call that outlived its deadline,
 * a close that never settled).
 */
export async function drive<T>(promise: Promise<T>, what: string, limitMs = 120_000): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let elapsed = 0; elapsed < limitMs && !settled; elapsed += 50) {
    for (let turn = 0; turn < 4 && !settled; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    if (!settled) await jest.advanceTimersByTimeAsync(50);
  }
  if (!settled) throw new Error(`${what} did not settle within ${limitMs} ms of fake time`);
  return tracked;
}

type Command = fc.AsyncCommand<Model, Device>;

function command(name: string, run: (model: Model, device: Device) => Promise<void> | void): Command {
  return {
    check: () => true,
    run: async (model, device) => {
      trace(`--- ${name}`);
      await drive(Promise.resolve(run(model, device)), name);
      await settle(50);
    },
    toString: () => name,
  };
}

function commands(): Array<fc.Arbitrary<Command>> {
  const pick = fc.nat({ max: 50 });
  const createJob = fc.constantFrom<'reboot' | 'self-test' | 'install'>('reboot', 'self-test', 'install').map((op) =>
      command(`CreateJob(${op})`, (model, device) => {
        const jobId = `job-${model.next++}`;
        device.simulator.createJob({ jobId, targets: [THING], document: JSON.stringify(op === 'install' ? { operation: op, steps: 2 } : { operation: op }) });
        model.jobs.push({ jobId, expected: op === 'self-test' ? 'FAILED' : 'SUCCEEDED', excused: false });
      }),
  );
  return [
    // CreateJob weighs four times as much as any other command: most sequences have several jobs.
    createJob,
    createJob,
    createJob,
    createJob,
    fc.tuple(pick, fc.boolean()).map(([index, force]) =>
      command(`CancelJob(#${index}, force=${force})`, (model, device) => {
        const job = model.jobs[index % Math.max(1, model.jobs.length)];
        if (job === undefined) return;
        job.excused = true;
        try {
          device.simulator.cancelJob({ jobId: job.jobId, force });
        } catch {
          // already completed: not canceled
        }
      }),
    ),
    fc.tuple(pick, fc.boolean()).map(([index, force]) =>
      command(`DeleteJob(#${index}, force=${force})`, (model, device) => {
        const job = model.jobs[index % Math.max(1, model.jobs.length)];
        if (job === undefined) return;
        job.excused = true;
        try {
          device.simulator.deleteJob({ jobId: job.jobId, force });
        } catch {
          // IN_PROGRESS without force: refused
        }
      }),
    ),
    fc.constant(
      command('DeleteThing', (model, device) => {
        for (const job of model.jobs) job.excused = true;
        device.simulator.deleteThing({ thingName: THING });
      }),
    ),
    fc.constant(command('Disconnect', (_, device) => void device.simulator.faults.disconnectClient(THING))),
    fc.constant(command('RestartBroker', (_, device) => device.restartBroker())),
    fc.integer({ min: 1, max: 3 }).map((n) => command(`Throttle(${n})`, (_, device) => device.simulator.faults.rejectNext({ thingName: THING }, n, 'RequestThrottled'))),
    fc.constantFrom(...OPERATIONS).map((operation) => command(`DropReply(${operation})`, (_, device) => device.simulator.faults.dropReplies({ operation }, 1))),
    fc.constantFrom(...OPERATIONS).map((operation) => command(`DuplicateReply(${operation})`, (_, device) => device.simulator.faults.duplicateReplies({ operation }, 1))),
    fc.tuple(fc.constantFrom(...OPERATIONS), fc.integer({ min: 10, max: 15_000 })).map(([operation, ms]) =>
      command(`DelayReply(${operation}, ${ms} ms)`, (_, device) => device.simulator.faults.delayReplies({ operation }, 1, ms)),
    ),
    fc.constant(
      command('SecondClient', async (_, device) => {
        const other = new JobsClient(device.connection, { timeoutMs: 2_000 });
        await other.getPendingJobExecutions(THING).catch(() => undefined);
        await other.close();
      }),
    ),
    fc.constant(
      command('SecondJobs', async (_, device) => {
        const other = new Jobs(new Thing(THING, device.connection));
        await other.list({ timeoutMs: 2_000 }).catch(() => undefined);
        await other.close();
      }),
    ),
    fc.constant(command('RestartLoop', (_, device) => device.restartLoop())),
    fc.integer({ min: 100, max: 120_000 }).map((ms) => command(`Wait(${ms} ms)`, async () => {
        await settle(Math.min(ms, 250));
        await jest.advanceTimersByTimeAsync(ms);
      })),
  ];
}

/**
 * Runs `numRuns` sequences; throws (with fast-check's seed, path and shrunk
 * command list) on the first invariant broken.
 */
export async function runChaos(numRuns: number, seed?: number, path?: string): Promise<ChaosFigures> {
  const figures: ChaosFigures = { sequences: 0, commands: 0, faults: 0, jobs: 0, verified: 0 };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands(), { maxCommands: 12, size: 'max' }), async (cmds) => {
        jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
        TRACE.length = 0;
        if (process.env.CHAOS_TRACE !== undefined) TRACE.push(`sequence: ${[...cmds].map(String).join(', ')}`);
        const device = new Device();
        const model: Model = { jobs: [], next: 0 };
        let leftTimers: number | undefined;
        try {
          await device.start();
          const list = [...cmds];
          figures.sequences += 1;
          figures.commands += list.length;
          figures.faults += list.filter((c) => FAULT.test(String(c))).length;
          await fc.asyncModelRun(() => ({ model, real: device }), cmds);
          figures.jobs += model.jobs.length;
          // The faults stop; time runs on until every job is done (bounded: 20 virtual minutes).
          device.simulator.faults.clear();
          const done = (): boolean => model.jobs.every((job) => job.excused || terminal(device, job.jobId));
          for (let step = 0; step < 400 && !done(); step += 1) {
            await settle(200);
            await jest.advanceTimersByTimeAsync(2_800);
          }
          try {
            checkInvariants(model, device, unhandled);
          } catch (error) {
            if (process.env.CHAOS_TRACE !== undefined) TRACE_DUMP.push(`${String(error)}\n${TRACE.join('\n')}`);
            throw error;
          }
          figures.verified += model.jobs.filter((job) => !job.excused).length;
          await drive(device.stopLoop(), 'stopping the loop');
          // No growth: with the loop's Jobs closed, the connection holds no subscription and the client no call.
          const client = JobsClient.for(device.connection);
          if (client.subscriptionCount !== 0 || client.pendingCount !== 0) {
            throw new Error(`left behind: ${client.subscriptionCount} subscriptions, ${client.pendingCount} calls`);
          }
          // Let a reconnect in progress finish (mqtt.js holds a 'close' listener while it replays its store).
          await drive(device.connectedAgain(), 'reconnecting');
          const grown = EVENTS.map((event, i) => device.connection.listenerCount(event) - device.baseline[i]! - LIBRARY_LISTENERS[i]!);
          if (grown.some((count) => count > 0)) throw new Error(`listeners grew (message, connect, close): ${grown.join(', ')}`);
        } finally {
          await drive(device.close(), 'closing the device').catch(() => undefined);
          // mqtt.js destroys its stores on a 0 ms timer after the end: let those run, then count.
          await jest.advanceTimersByTimeAsync(1);
          leftTimers = jest.getTimerCount();
          jest.useRealTimers();
        }
        if (leftTimers !== undefined && leftTimers > 0) throw new Error(`${leftTimers} timers left after the device closed`);
      }),
      { numRuns, ...(seed !== undefined && { seed }), ...(path !== undefined && { path }), endOnFailure: false, verbose: 1 },
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return figures;
}

function terminal(device: Device, jobId: string): boolean {
  try {
    const { status } = device.simulator.describeJobExecution({ jobId, thingName: THING }).execution;
    return status !== 'QUEUED' && status !== 'IN_PROGRESS';
  } catch {
    return true; // deleted
  }
}

function checkInvariants(model: Model, device: Device, unhandled: unknown[]): void {
  if (unhandled.length > 0) throw new Error(`unhandled rejection: ${String(unhandled[0])}`);
  if (device.loopErrors.length > 0) throw new Error(`the device loop died: ${String(device.loopErrors[0])}`);
  for (const job of model.jobs) {
    if (job.excused) continue;
    const { execution } = device.simulator.describeJobExecution({ jobId: job.jobId, thingName: THING });
    // Missed, or ended in another status than the device chose.
    if (execution.status !== job.expected) throw new Error(`${job.jobId} ended ${execution.status}, the device chose ${job.expected}`);
  }
  for (const job of model.jobs) {
    const finals = device.finals.get(job.jobId) ?? 0;
    // The service takes a final status once; a device that set it twice would have been refused the second time.
    if (finals > 1) throw new Error(`${job.jobId}: the device reported its final status ${finals} times`);
  }
}

/** CHAOS_TRACE: the current sequence's trace, and those of failed sequences. */
const TRACE: string[] = [];
/** Traces of the sequences that broke an invariant (CHAOS_TRACE). */
export const TRACE_DUMP: string[] = [];
function trace(line: string): void {
  TRACE.push(`${Date.now() % 1_000_000} ${line}`.slice(0, 220));
}

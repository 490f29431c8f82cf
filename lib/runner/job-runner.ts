/**
 * `runJobs(thing, handlers, options)`: one call that runs a device's jobs for
 * as long as it lives, on the public {@link Jobs}/{@link Job} face.
 * @packageDocumentation
 */

import { assertStepTimeout, assertTimeoutMs } from '../client/arguments.js';
import type { JobsClient } from '../client/jobs-client.js';
import { InvalidArgumentError, JobsError } from '../errors.js';
import { Job } from '../job.js';
import { Jobs } from '../jobs.js';
import type { JsonObject } from '../protocol/json.js';
import type { StatusDetails } from '../protocol/shapes.js';
import type { ThingLike } from '../thing.js';
import { createEmitter, type Emitter } from '../util/emitter.js';
import { reasonDetails } from './details.js';
import { ExecutionRun } from './execution-run.js';
import { FileStatusStore } from './file-status-store.js';
import { planFor, type HandlerChoice } from './handlers.js';
import { Outbox } from './outbox.js';
import { callOptions, linkedSignal, pause, type RunnerCore, type RunnerSettings } from './runner-core.js';
import type { JobRunnerEvents, RunnerLogger } from './runner-events.js';
import type { StatusStore, StoredStatus } from './status-store.js';

/** Default spacing of progress updates: 1 s, well inside AWS IoT Jobs' per-thing request rate. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;
/** Default first pause before a failed final status is sent again; it doubles up to {@link DEFAULT_MAX_RETRY_DELAY_MS}. */
export const DEFAULT_RUNNER_RETRY_DELAY_MS = 1_000;
/** Default longest pause between two tries of a final status (a reconnect cuts it short). */
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;
/** Default time the runner waits for a notification before it reads the pending jobs again anyway. */
export const DEFAULT_POLL_MS = 300_000;

/** Options of {@link runJobs}. */
export interface JobRunnerOptions {
  /** Stops the runner when it aborts (as {@link JobRunner.stop}). */
  signal?: AbortSignal;
  /** How many executions run side by side. 1 follows AWS's model (`$next`, then StartNext). @defaultValue 1 */
  concurrency?: number;
  /** Where final statuses wait for the service. @defaultValue a {@link FileStatusStore} in {@link defaultOutboxDirectory} */
  store?: StatusStore;
  /** Starts each execution with this step timer (1..10080 minutes) and renews it while the handler runs. */
  stepTimeoutInMinutes?: number;
  /** How often the step timer is renewed. @defaultValue a third of the step timeout */
  heartbeatMs?: number;
  /**
   * When set, the step timer is renewed only if the handler gave a sign of
   * life (`progress()` or `alive()`) within this many milliseconds: a handler
   * stuck on an await then times out at the service. Unset: renewed for as
   * long as the handler's promise is pending (the runner's process is alive).
   */
  livenessMs?: number;
  /** Least spacing of progress updates of one execution. @defaultValue {@link DEFAULT_PROGRESS_INTERVAL_MS} */
  progressIntervalMs?: number;
  /** Timeout of each request the runner makes. @defaultValue the client's */
  timeoutMs?: number;
  /** First pause before a final status is sent again. @defaultValue {@link DEFAULT_RUNNER_RETRY_DELAY_MS} */
  retryDelayMs?: number;
  /** Longest such pause. @defaultValue {@link DEFAULT_MAX_RETRY_DELAY_MS} */
  maxRetryDelayMs?: number;
  /** Reads the pending jobs again after this long without a notification. @defaultValue {@link DEFAULT_POLL_MS} */
  pollMs?: number;
  /** The REJECTED details of a job with no handler. @defaultValue `{ reason: 'no handler for operation "x"' }` */
  unhandled?: (job: Job, missing: string) => StatusDetails;
  /** The Jobs client to use, e.g. `JobsClient.for(connection, { subscriptions: 'wildcard' })` for a gateway. @defaultValue the connection's shared client */
  client?: JobsClient;
  /** Receives a line for everything the runner does. */
  logger?: RunnerLogger;
}

/**
 * Runs a thing's jobs with handlers until stopped. Made by {@link runJobs}.
 * Events: `started`, `progress`, `finished`, `canceled`, `error`.
 */
export class JobRunner {
  /** The thing's name. */
  readonly thingName: string;
  /** The runner's {@link Jobs}. */
  readonly jobs: Jobs;
  /** Typed events. */
  readonly events: Emitter<JobRunnerEvents> = createEmitter<JobRunnerEvents>();
  /** Resolves once the runner has stopped (by {@link JobRunner.stop} or its signal). */
  readonly stopped: Promise<void>;

  private readonly settings: RunnerSettings;
  private readonly logger: RunnerLogger | undefined;
  private readonly outbox: Outbox;
  private readonly runs = new Map<string, ExecutionRun>();
  /** Every run until it has handed its final status over (or ended): stop() waits for them. */
  private readonly handovers = new Set<Promise<void>>();
  private readonly stopper = new AbortController();
  private readonly unlisteners: Array<() => void> = [];
  /** Jobs whose start this runner sent without learning the outcome: not "resumed" when found IN_PROGRESS. */
  private readonly startsSent = new Set<string>();
  private waking: AbortController | undefined;
  private wakePending = false;
  private stopping: Promise<void> | undefined;

  /** Use {@link runJobs}. */
  constructor(thing: ThingLike, handlers: HandlerChoice, options: JobRunnerOptions = {}) {
    this.settings = settingsOf(handlers, options);
    this.logger = options.logger;
    this.jobs = new Jobs(thing, options.client !== undefined ? { client: options.client } : {});
    this.thingName = this.jobs.thingName;
    const core: RunnerCore = {
      thingName: this.thingName,
      jobs: this.jobs,
      settings: this.settings,
      emit: (type, event) => this.emit(type, event),
      finish: (status: StoredStatus, job: Job) => this.outbox.finish(status, job),
    };
    this.outbox = new Outbox(core, () => this.wake());
    this.listen();
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = (): void => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      this.unlisteners.push(() => signal.removeEventListener('abort', onAbort));
    }
    this.stopped = this.loop(core).catch((error: unknown) => this.report(undefined, error));
    if (signal?.aborted === true) void this.stop();
  }

  /** Executions whose handler runs now. */
  get running(): string[] {
    return [...this.runs.keys()];
  }

  /** Final statuses waiting for the service. */
  get outboxSize(): number {
    return this.outbox.size;
  }

  /**
   * Stops: aborts every running handler's signal ({@link RunnerStoppedError};
   * their executions stay IN_PROGRESS and are resumed by the next runner),
   * stops sending (stored final statuses stay stored), closes the runner's
   * Jobs. Resolves once nothing of the runner is left running. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopper.abort();
    this.outbox.hold();
    for (const run of this.runs.values()) run.stop();
    this.wake();
    await this.stopped;
    // A handler that finished as the runner stopped still gets its status stored (not sent).
    await Promise.all([...this.handovers]);
    await this.outbox.stop();
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
    await this.jobs.close();
    this.logger?.info(`runner ${this.thingName}: stopped`);
  }

  // ------------------------------------------------------------ the loop

  private async loop(core: RunnerCore): Promise<void> {
    await this.outbox.restore();
    let failures = 0;
    while (!this.stopper.signal.aborted) {
      this.jobs.changed(); // about to read the state: consume the flag
      let took = false;
      if (this.runs.size < this.settings.concurrency) {
        try {
          took = this.settings.concurrency === 1 ? await this.takeNext(core) : await this.takeSome(core);
          failures = 0;
        } catch (error) {
          if (this.stopper.signal.aborted) break;
          this.report(undefined, error);
          failures++;
        }
      }
      if (took) continue;
      const backoffMs = failures === 0 ? this.settings.pollMs : Math.min(this.settings.retryDelayMs * 2 ** Math.min(failures - 1, 16), this.settings.maxRetryDelayMs);
      await this.waitForWork(backoffMs);
    }
    for (const run of this.runs.values()) run.stop();
  }

  /** AWS's model: the next pending execution, started with StartNext (an IN_PROGRESS one is resumed). */
  private async takeNext(core: RunnerCore): Promise<boolean> {
    const options = callOptions(this.settings, this.stopper.signal);
    const next = await this.jobs.next(options);
    if (next === undefined || this.busy(next.jobId)) return false;
    if (next.status === Job.IN_PROGRESS) return this.launch(core, next, !this.startsSent.has(next.jobId));
    this.noteStart(next.jobId);
    const started = await this.jobs.startNext(undefined, {
      ...options,
      ...(this.settings.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: this.settings.stepTimeoutInMinutes }),
    });
    if (started === undefined || this.busy(started.jobId)) return false;
    return this.launch(core, started, started.jobId !== next.jobId && !this.startsSent.has(started.jobId));
  }

  /** Side by side: list, resume what is IN_PROGRESS, start QUEUED ones with an update, up to the free slots. */
  private async takeSome(core: RunnerCore): Promise<boolean> {
    const options = callOptions(this.settings, this.stopper.signal);
    const [inProgress, queued] = await this.jobs.list(options);
    let took = false;
    for (const job of inProgress) {
      if (this.runs.size >= this.settings.concurrency || this.stopper.signal.aborted) return took;
      if (this.busy(job.jobId) || !(await job.describe(options)) || job.status !== Job.IN_PROGRESS || this.busy(job.jobId)) continue;
      took = this.launch(core, job, !this.startsSent.has(job.jobId)) || took;
    }
    for (const job of queued) {
      if (this.runs.size >= this.settings.concurrency || this.stopper.signal.aborted) return took;
      if (this.busy(job.jobId)) continue;
      this.noteStart(job.jobId);
      const ok = await job.update(Job.IN_PROGRESS, undefined, {
        ...options,
        includeJobDocument: true,
        ...(this.settings.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: this.settings.stepTimeoutInMinutes }),
      });
      if (ok && !this.busy(job.jobId)) took = this.launch(core, job, false) || took;
    }
    return took;
  }

  private launch(core: RunnerCore, job: Job, resumed: boolean): boolean {
    if (this.stopper.signal.aborted) return false;
    this.startsSent.delete(job.jobId);
    const document: JsonObject = job.document ?? {};
    const run = new ExecutionRun(core, job, document, resumed, planFor(job, document, this.settings.handlers));
    this.runs.set(job.jobId, run);
    const running = run
      .run()
      .catch((error: unknown) => this.report(job.jobId, error))
      .finally(() => {
        if (this.runs.get(job.jobId) === run) this.runs.delete(job.jobId);
        this.handovers.delete(running);
        this.wake();
      });
    this.handovers.add(running);
    return true;
  }

  private busy(jobId: string): boolean {
    return this.runs.has(jobId) || this.outbox.has(jobId);
  }

  private noteStart(jobId: string): void {
    if (this.startsSent.size >= 1_000) this.startsSent.clear();
    this.startsSent.add(jobId);
  }

  /** Waits for a notification, a free slot, a reconnect, the stop, or `timeoutMs`. */
  private async waitForWork(timeoutMs: number): Promise<void> {
    if (this.wakePending || this.stopper.signal.aborted) {
      this.wakePending = false;
      return;
    }
    const waking = new AbortController();
    this.waking = waking;
    const { signal, release } = linkedSignal(waking.signal, this.stopper.signal);
    const never = new Promise<void>(() => undefined);
    try {
      await Promise.race([
        pause(timeoutMs, signal),
        // A quiet wait (false), a closed Jobs or an abort: let the pause decide.
        this.jobs.waitForChange({ signal }).then(
          (changed: unknown) => (changed === false ? never : undefined),
          () => never,
        ),
      ]);
    } finally {
      waking.abort();
      release();
      if (this.waking === waking) this.waking = undefined;
      this.wakePending = false;
    }
  }

  private wake(): void {
    if (this.waking !== undefined) this.waking.abort();
    else this.wakePending = true;
  }

  // ------------------------------------------------------------ events

  private listen(): void {
    const onChanged = (): void => {
      for (const run of this.runs.values()) run.check();
    };
    const onReconnect = (): void => {
      if (this.stopper.signal.aborted) return;
      this.outbox.wake();
      // What the store holds is sent again, including entries no delivery of this runner carries.
      void this.outbox.restore();
      for (const run of this.runs.values()) run.check();
      this.wake();
    };
    this.jobs.events.on('changed', onChanged);
    this.jobs.client.events.on('reconnect', onReconnect);
    this.unlisteners.push(
      () => this.jobs.events.off('changed', onChanged),
      () => this.jobs.client.events.off('reconnect', onReconnect),
    );
  }

  /** Calls every listener, each contained: one that throws neither stops the runner nor silences the others. */
  private emit<K extends keyof JobRunnerEvents>(type: K, event: JobRunnerEvents[K]): void {
    this.log(type, event);
    const own = [...((this.events.all.get(type) ?? []) as Array<(event: JobRunnerEvents[K]) => void>)];
    const wildcard = [...((this.events.all.get('*') ?? []) as Array<(type: K, event: JobRunnerEvents[K]) => void>)];
    const calls = [...own.map((listener) => () => listener(event)), ...wildcard.map((listener) => () => listener(type, event))];
    for (const call of calls) {
      try {
        call();
      } catch (error) {
        if (type !== 'error') this.emit('error', { error: new JobsError(`a '${type}' listener threw`, { cause: error }) });
        else this.logger?.error(`runner ${this.thingName}: an 'error' listener threw: ${String(error)}`);
      }
    }
  }

  private report(jobId: string | undefined, error: unknown): void {
    const jobsError = error instanceof JobsError ? error : new JobsError(String(error), { cause: error });
    this.emit('error', jobId === undefined ? { error: jobsError } : { jobId, error: jobsError });
  }

  private log<K extends keyof JobRunnerEvents>(type: K, event: JobRunnerEvents[K]): void {
    const logger = this.logger;
    if (logger === undefined) return;
    const prefix = `runner ${this.thingName}:`;
    const e = event as Partial<JobRunnerEvents['finished'] & JobRunnerEvents['canceled'] & JobRunnerEvents['error'] & JobRunnerEvents['started']>;
    const job = e.jobId === undefined ? '' : ` ${e.jobId}`;
    if (type === 'started') logger.info(`${prefix}${job} ${e.resumed === true ? 'resumed' : 'started'}`);
    else if (type === 'progress') logger.info(`${prefix}${job} progress ${JSON.stringify((event as JobRunnerEvents['progress']).statusDetails)}`);
    else if (type === 'finished') logger.info(`${prefix}${job} ${e.status ?? ''} accepted${e.fromStore === true ? ' (from the store)' : ''}`);
    else if (type === 'canceled') logger.warn(`${prefix}${job} ${e.reason?.message ?? 'ended'}${e.dropped !== undefined ? `; the stored ${e.dropped} is dropped` : ''}`);
    else logger.warn(`${prefix}${job} ${e.error?.message ?? 'error'}`);
  }
}

/**
 * Runs the thing's jobs with these handlers until `options.signal` aborts or
 * {@link JobRunner.stop} is called: takes the next execution, runs its
 * handler, reports progress, keeps its step timer alive, aborts the handler
 * when the service cancels the execution, and delivers the final status
 * through a durable outbox.
 * @param thing - the thing and its connection.
 * @param handlers - by `document.operation` (or Device Client handler name), or a function of the job.
 * @throws {@link InvalidArgumentError} for bad options.
 */
export function runJobs(thing: ThingLike, handlers: HandlerChoice, options: JobRunnerOptions = {}): JobRunner {
  return new JobRunner(thing, handlers, options);
}

function settingsOf(handlers: HandlerChoice, options: JobRunnerOptions): RunnerSettings {
  if (typeof handlers !== 'function' && (typeof handlers !== 'object' || handlers === null)) {
    throw new InvalidArgumentError('handlers', 'an object of handler functions or a function', handlers);
  }
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an object', options);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError('concurrency', 'an integer >= 1', concurrency);
  if (options.stepTimeoutInMinutes !== undefined) assertStepTimeout(options.stepTimeoutInMinutes, false);
  for (const field of ['heartbeatMs', 'livenessMs', 'progressIntervalMs', 'timeoutMs', 'retryDelayMs', 'maxRetryDelayMs', 'pollMs'] as const) {
    if (options[field] !== undefined) assertTimeoutMs(options[field], field);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidArgumentError('signal', 'an AbortSignal', options.signal);
  const stepMs = options.stepTimeoutInMinutes === undefined ? undefined : options.stepTimeoutInMinutes * 60_000;
  return {
    handlers,
    concurrency,
    store: options.store ?? new FileStatusStore(),
    stepTimeoutInMinutes: options.stepTimeoutInMinutes,
    heartbeatMs: options.heartbeatMs ?? (stepMs === undefined ? 0 : Math.max(1, Math.floor(stepMs / 3))),
    livenessMs: options.livenessMs,
    progressIntervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
    timeoutMs: options.timeoutMs,
    retryDelayMs: Math.max(1, options.retryDelayMs ?? DEFAULT_RUNNER_RETRY_DELAY_MS),
    maxRetryDelayMs: Math.max(1, options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS),
    pollMs: Math.max(1, options.pollMs ?? DEFAULT_POLL_MS),
    unhandled: options.unhandled ?? ((_job, missing) => reasonDetails(`no handler for ${missing}`)),
  };
}

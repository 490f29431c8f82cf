/**
 * `Jobs`: a thing's job list, Zerynth style, awaitable, for a device that
 * runs for months.
 *
 * ```ts
 * const jobs = new Jobs(new Thing('my-thing', client));
 * for (;;) {
 *   if (jobs.changed()) {
 *     const [inProgress, queued] = await jobs.list();
 *     // ... describe and update each job ...
 *   } else {
 *     await jobs.waitForChange({ timeoutMs: 60_000 }); // false after a quiet minute
 *   }
 * }
 * ```
 * @packageDocumentation
 */

import { JobsClient, type CallOptions } from './client/jobs-client.js';
import { Deadline, pause, settleWithin, type WaitBounds } from './client/deadline.js';
import { Deferred } from './client/deferred.js';
import { internalsOf, type ClientInternals, type ThingTap } from './client/internal.js';
import type { JobExecution, JobExecutionStatus, JobExecutionSummary, StatusDetails } from './protocol/shapes.js';
import { assertStatusDetails, assertStepTimeout, assertThingName } from './client/arguments.js';
import { assertCallOptions } from './client/request-validation.js';
import { NEXT_JOB_ID } from './protocol/rules.js';
import { ConnectionClosedError, InvalidArgumentError, JobsAbortError, JobsClosedError, JobsError, JobsRejectedError, JobsTimeoutError, MalformedMessageError } from './errors.js';
import { Job } from './job.js';
import type { JobContext } from './job-context.js';
import { applyExecution, applySummary, shareExecutions, type ThingExecutions } from './execution-state.js';
import { createSafeEmitter, type Events } from './util/safe-emitter.js';
import type { ThingLike } from './thing.js';
import { withThingLock } from './thing-lock.js';
import { jittered } from './retry.js';

/** Events of a {@link Jobs}. */
export type JobsEvents = {
  /** The pending list changed (a `notify`, a `notify-next`, or a difference found when re-reading it). */
  changed: {
    /**
     * What revealed the change: a notification; a re-read after a reconnect;
     * or a re-read after a call failed for a network reason (`resync`).
     */
    reason: 'notify' | 'notify-next' | 'reconnect' | 'resync';
  };
  /** The next pending execution changed; `undefined` when none is left. */
  next: Job | undefined;
  /** Something went wrong outside any call (a refused subscription, a listener that threw). Never thrown. */
  error: JobsError;
};

/** Options of {@link Jobs}. */
export interface JobsOptions {
  /** The client to use; by default the one shared by every Jobs on the thing's connection. */
  client?: JobsClient;
}

/** Options of {@link Jobs.startNext}. */
export interface StartNextOptions extends CallOptions {
  /** Starts the execution's step timer (1..10080 minutes). */
  stepTimeoutInMinutes?: number;
}

/** The pending executions as `[inProgress, queued]`, Zerynth's `list()` result. */
export type JobLists = [inProgress: Job[], queued: Job[]];

/** The first pause before re-reading the pending list again after a failed re-read; it doubles up to {@link RESYNC_MAX_DELAY_MS}, with jitter. */
export const RESYNC_FIRST_DELAY_MS = 1_000;
/** The longest pause between two re-reads of the pending list. */
export const RESYNC_MAX_DELAY_MS = 60_000;

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * A thing's jobs. Construction subscribes to the thing's `notify` and
 * `notify-next` topics (at once, or as soon as the connection is up; see
 * {@link Jobs.ready}); either sets the {@link Jobs.changed} flag.
 *
 * A fresh `Jobs` starts with the flag **set**: its first `changed()` returns
 * true, so a device loop lists the jobs that were pending before it started.
 * After every reconnect, and after a call failed for a network reason, the
 * pending list is re-read (with jittered, growing pauses until the service
 * answers) and the flag is set when it differs from what `list()` last
 * returned: a job queued while the device was away is always signalled.
 */
export class Jobs {
  /** The thing's name. */
  readonly thingName: string;
  /** The Jobs client underneath (shared per connection). */
  readonly client: JobsClient;
  /**
   * Typed events: `changed`, `next`, `error`. `on()` returns the function that
   * removes the listener. A listener that throws is reported as an `error`
   * event (one that throws on `error` is dropped), never thrown.
   */
  readonly events: Events<JobsEvents> = createSafeEmitter<JobsEvents>((type, error) => {
    if (type !== 'error') this.events.emit('error', new JobsError(`a '${String(type)}' listener threw`, { cause: error }));
  });

  private changedFlag = true;
  private closed = false;
  private readonly lifetime = new AbortController();
  private readonly internals: ClientInternals;
  private readonly executions: ThingExecutions;
  private readonly known = new Map<string, Job>();
  /** Fingerprint of the pending list as `list()` last returned it. */
  private seen: string | undefined;
  private readonly tapped: ThingTap;
  private readonly readyPromise: Promise<void>;
  private readonly waiters = new Set<Deferred<boolean>>();
  private readonly onlineWaiters = new Set<Deferred<void>>();
  private resyncRun: Promise<void> | undefined;
  private resyncAgain = false;
  private resyncForce = false;
  private resyncReason: 'reconnect' | 'resync' = 'resync';
  private readonly context: JobContext;

  /**
   * @param thing - the thing name and its connection.
   * @throws {@link InvalidArgumentError} when the thing name breaks AWS's rule, for invalid options, or when
   *   the connection would pass its subscription quota (see `JobsClientOptions.maxSubscriptions`).
   */
  constructor(thing: ThingLike, options: JobsOptions = {}) {
    if (typeof thing !== 'object' || thing === null) throw new InvalidArgumentError('thing', 'a Thing (thingName and connection)', thing);
    assertThingName(thing.thingName);
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an object', options);
    if (options.client !== undefined && !(options.client instanceof JobsClient)) throw new InvalidArgumentError('client', 'a JobsClient', options.client);
    if (options.client === undefined && (typeof thing.connection !== 'object' || thing.connection === null)) {
      throw new InvalidArgumentError('thing.connection', 'an MQTT connection', thing.connection);
    }
    this.thingName = thing.thingName;
    this.client = options.client ?? JobsClient.for(thing.connection);
    this.internals = internalsOf(this.client);
    this.executions = shareExecutions(this.client, this.thingName);
    try {
      this.tapped = this.internals.tap(this.thingName, {
        notify: (notification) => {
          const inProgress = notification.jobs.IN_PROGRESS ?? [];
          const queued = notification.jobs.QUEUED ?? [];
          // A device loop that only uses startNext() never lists: forget finished jobs here too.
          this.forgetAllBut(new Set([...inProgress, ...queued].map((summary) => summary.jobId)));
          this.markChanged('notify');
        },
        next: (notification) => {
          this.events.emit('next', notification.execution && this.jobFromExecution(notification.execution));
          this.markChanged('notify-next');
        },
        reconnect: () => {
          for (const waiter of [...this.onlineWaiters]) waiter.resolve(undefined);
          this.requestResync(false, 'reconnect');
        },
        ended: () => this.onEnded(),
        error: (error) => this.events.emit('error', error),
      });
    } catch (error) {
      this.executions.release();
      throw error;
    }
    const first = new Deferred<void>(`Jobs(${this.thingName}).ready`);
    this.tapped.subscribed.then(
      () => first.resolve(undefined),
      (error: unknown) => first.fail(error instanceof Error ? error : new JobsError(String(error)), 'failed'),
    );
    this.readyPromise = settleWithin(first, {
      timeoutMs: this.internals.timeoutMs,
      closeSignal: this.lifetime.signal,
      closedError: () => new JobsClosedError(`Jobs(${this.thingName}).ready`),
    });
    // Keep the failure for `ready` and report it; never an unhandled rejection.
    this.readyPromise.catch((error: unknown) => {
      if (!this.closed) this.reportError(error);
    });
    this.context = this.makeContext();
  }

  /**
   * Resolves once the notification subscriptions are in place. A `Jobs` made
   * before the connection is up (or while it is down) subscribes as soon as it
   * comes up. Rejects with {@link JobsTimeoutError} when that takes longer than
   * the client's `timeoutMs` (10 s by default) from construction, with
   * {@link SubscriptionRefusedError} when the broker refuses, and with
   * {@link JobsClosedError} on close; after a timeout the `Jobs` still subscribes
   * whenever the connection comes up, and raises `changed` then.
   */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * True from the moment a change of the pending list is seen until this is
   * called; then false until the next change (Zerynth's semantics). True on
   * the first call of a new `Jobs`. Nothing else reads the flag.
   */
  changed(): boolean {
    const was = this.changedFlag;
    this.changedFlag = false;
    return was;
  }

  /**
   * Lists the thing's pending executions. `timeoutMs` covers the time queued
   * behind the per-thing lock. When it fails for a network reason, the `Jobs`
   * re-reads the list in the background and raises `changed` once it can.
   * @returns `[inProgress, queued]`, each in the service's order.
   * @throws {@link InvalidArgumentError} for invalid options; the typed call errors ({@link JobsClosedError} once closed).
   */
  async list(options: CallOptions = {}): Promise<JobLists> {
    assertCallOptions(options);
    this.assertOpen('list');
    let reply;
    try {
      reply = await this.context.locked(`list(${this.thingName})`, options, (callOptions) => this.internals.unchecked.getPending(this.thingName, {}, callOptions));
    } catch (error) {
      if (isTransientFailure(error)) this.requestResync(true, 'resync');
      throw error;
    }
    this.seen = fingerprint(reply.inProgressJobs, reply.queuedJobs);
    const lists: JobLists = [this.jobsFor(reply.inProgressJobs, 'IN_PROGRESS'), this.jobsFor(reply.queuedJobs, 'QUEUED')];
    this.forgetAllBut(new Set([...lists[0], ...lists[1]].map((job) => job.jobId)));
    return lists;
  }

  /**
   * The next pending execution (`$next`), described, or `undefined` when none is pending.
   * @throws as {@link Jobs.list}.
   */
  async next(options: CallOptions = {}): Promise<Job | undefined> {
    assertCallOptions(options);
    this.assertOpen('next');
    const reply = await this.context.locked(`next(${this.thingName})`, options, (callOptions) =>
      this.internals.unchecked.describe(this.thingName, NEXT_JOB_ID, { includeJobDocument: true }, callOptions),
    );
    return reply.execution && this.jobFromExecution(reply.execution);
  }

  /**
   * Starts the next pending execution (QUEUED becomes IN_PROGRESS; an
   * IN_PROGRESS one is returned as is) and returns it with its document.
   * @returns the started job, or `undefined` when nothing is pending.
   * @throws {@link InvalidArgumentError} for bad details, step timeout or options; the typed call errors otherwise.
   */
  async startNext(statusDetails?: StatusDetails, options: StartNextOptions = {}): Promise<Job | undefined> {
    if (statusDetails !== undefined) assertStatusDetails(statusDetails);
    assertCallOptions(options);
    if (options.stepTimeoutInMinutes !== undefined) assertStepTimeout(options.stepTimeoutInMinutes, false);
    this.assertOpen('startNext');
    const reply = await this.context.locked(`startNext(${this.thingName})`, options, (callOptions) =>
      this.internals.unchecked.startNext(
        this.thingName,
        {
          ...(statusDetails !== undefined && { statusDetails }),
          ...(options.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: options.stepTimeoutInMinutes }),
        },
        callOptions,
      ),
    );
    return reply.execution && this.jobFromExecution(reply.execution);
  }

  /**
   * A handle for a job id. Its state (version, status, ...) is shared with
   * every handle of the same job from any `Jobs` of this thing on this connection.
   * @throws {@link InvalidArgumentError} for an invalid job id.
   */
  job(jobId: string): Job {
    const known = this.known.get(jobId);
    if (known !== undefined) return known;
    const job = new Job(this.context, jobId);
    this.known.set(jobId, job);
    return job;
  }

  /**
   * Waits until {@link Jobs.changed} would return true; it does not read
   * (clear) the flag. Resolves `true` at once when a change is pending, `true`
   * when one comes, and `false` when `timeoutMs` passes quietly (a quiet
   * minute is normal for a device).
   * @throws {@link JobsAbortError} on abort; {@link JobsClosedError} when the Jobs closes;
   *   {@link ConnectionClosedError} when the client is closed or the connection ended for good.
   */
  async waitForChange(options: CallOptions = {}): Promise<boolean> {
    assertCallOptions(options);
    this.assertOpen('waitForChange');
    if (options.signal?.aborted === true) throw new JobsAbortError('waitForChange', { cause: options.signal.reason });
    if (this.changedFlag) return true;
    if (this.internals.ended()) throw new ConnectionClosedError('waitForChange');
    const wait = new Deferred<boolean>('waitForChange');
    this.waiters.add(wait);
    try {
      return await settleWithin(wait, {
        timeoutMs: options.timeoutMs ?? Number.POSITIVE_INFINITY,
        signal: options.signal,
        closeSignal: this.lifetime.signal,
        closedError: () => new JobsClosedError('waitForChange'),
        onTimeout: () => this.changedFlag,
      });
    } finally {
      this.waiters.delete(wait);
    }
  }

  /**
   * Stops listening and releases the thing's subscriptions. Every call of
   * this `Jobs` still queued or in flight, every `waitForChange`, and every
   * later call (also through its `Job` handles) fails with {@link JobsClosedError}.
   * Settles within the client's `timeoutMs`, even offline or when the broker never answers.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort();
    for (const waiter of [...this.onlineWaiters]) waiter.fail(new JobsClosedError(waiter.name), 'closed');
    this.events.all.clear();
    this.executions.release();
    const stopped = new Deferred<void>('close');
    void this.tapped.stop().then(
      () => stopped.resolve(undefined),
      () => stopped.resolve(undefined),
    );
    await settleWithin(stopped, { timeoutMs: this.internals.timeoutMs, onTimeout: () => undefined });
  }

  /** `await using jobs = new Jobs(thing)`: closes the Jobs. */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  // ------------------------------------------------------------ internals

  private makeContext(): JobContext {
    const closedError = (name: string) => (): JobsError => new JobsClosedError(name);
    return {
      thingName: this.thingName,
      unchecked: this.internals.unchecked,
      closeSignal: this.lifetime.signal,
      record: (jobId) => this.executions.record(jobId),
      ended: () => this.internals.ended(),
      stale: () => this.requestResync(true, 'resync'),
      withDeadline: (options, fn) => fn(new Deadline(options.timeoutMs ?? this.internals.timeoutMs)),
      locked: async (name, options, task) => {
        const timeoutMs = options.timeoutMs ?? this.internals.timeoutMs;
        const bounds = { timeoutMs, signal: options.signal, closeSignal: this.lifetime.signal, closedError: closedError(name) };
        const signal = options.signal === undefined ? this.lifetime.signal : AbortSignal.any([options.signal, this.lifetime.signal]);
        try {
          return await withThingLock(this.client, this.thingName, name, bounds, (remainingMs) => task({ timeoutMs: remainingMs, signal }));
        } catch (error) {
          // The client saw the Jobs' close as an abort: say what happened.
          if (error instanceof JobsAbortError && this.lifetime.signal.aborted && options.signal?.aborted !== true) {
            throw new JobsClosedError(name, { cause: error, requestSent: error.requestSent });
          }
          throw error;
        }
      },
      whenOnline: (name, bounds) => this.whenOnline(name, bounds),
    };
  }

  private whenOnline(name: string, bounds: WaitBounds<void>): Promise<void> {
    if (this.internals.online()) return Promise.resolve();
    if (this.internals.ended()) return Promise.reject(new ConnectionClosedError(name));
    const wait = new Deferred<void>(name, () => this.onlineWaiters.delete(wait));
    this.onlineWaiters.add(wait);
    return settleWithin(wait, bounds);
  }

  /** Re-reads the pending list in the background, once at a time; see the class comment. */
  private requestResync(force: boolean, reason: 'reconnect' | 'resync'): void {
    if (this.closed || this.internals.ended()) return;
    this.resyncForce ||= force;
    if (reason === 'reconnect') this.resyncReason = 'reconnect';
    if (this.resyncRun !== undefined) {
      this.resyncAgain = true;
      return;
    }
    this.resyncRun = this.resync()
      .catch((error: unknown) => {
        if (!this.closed) this.reportError(error);
      })
      .finally(() => {
        this.resyncRun = undefined;
      });
  }

  private async resync(): Promise<void> {
    let delayMs = RESYNC_FIRST_DELAY_MS;
    const bounds = { closeSignal: this.lifetime.signal, closedError: () => new JobsClosedError('resync') };
    while (!this.closed && !this.internals.ended()) {
      if (!this.internals.online()) {
        // The reconnect asks again; nothing to do until then.
        return;
      }
      this.resyncAgain = false;
      const force = this.resyncForce;
      const reason = this.resyncReason;
      this.resyncForce = false;
      this.resyncReason = 'resync';
      try {
        const reply = await this.context.locked(`resync(${this.thingName})`, {}, (callOptions) => this.internals.unchecked.getPending(this.thingName, {}, callOptions));
        const current = fingerprint(reply.inProgressJobs, reply.queuedJobs);
        if (force || current !== this.seen) this.markChanged(reason);
        if (!this.resyncAgain) return;
        delayMs = RESYNC_FIRST_DELAY_MS;
      } catch (error) {
        if (this.closed || error instanceof JobsClosedError) return;
        // Ask again after a pause; keep what this attempt was for.
        this.resyncForce ||= force;
        if (reason === 'reconnect') this.resyncReason = 'reconnect';
        if (error instanceof ConnectionClosedError) return; // the reconnect asks again
        try {
          await pause(`resync(${this.thingName})`, jittered(delayMs), bounds);
        } catch {
          return;
        }
        delayMs = Math.min(delayMs * 2, RESYNC_MAX_DELAY_MS);
      }
    }
  }

  private markChanged(reason: JobsEvents['changed']['reason']): void {
    if (this.closed) return;
    this.changedFlag = true;
    for (const waiter of [...this.waiters]) waiter.resolve(true);
    this.events.emit('changed', { reason });
  }

  private onEnded(): void {
    for (const waiter of [...this.waiters]) waiter.fail(new ConnectionClosedError('waitForChange'), 'closed');
    for (const waiter of [...this.onlineWaiters]) waiter.fail(new ConnectionClosedError(waiter.name), 'closed');
  }

  private jobsFor(summaries: JobExecutionSummary[], status: JobExecutionStatus): Job[] {
    return summaries.map((summary) => {
      const job = this.job(summary.jobId);
      applySummary(this.executions.record(summary.jobId), summary, status);
      return job;
    });
  }

  private jobFromExecution(execution: JobExecution): Job {
    const job = this.job(execution.jobId);
    applyExecution(this.executions.record(execution.jobId), execution);
    return job;
  }

  /** Drops Job objects that are no longer pending, so a long-running device does not accumulate them. */
  private forgetAllBut(pendingJobIds: ReadonlySet<string>): void {
    for (const jobId of this.known.keys()) if (!pendingJobIds.has(jobId)) this.known.delete(jobId);
    this.executions.forgetAllBut(pendingJobIds);
  }

  private reportError(error: unknown): void {
    const jobsError = error instanceof JobsError ? error : new JobsError(String(error), { cause: error });
    this.events.emit('error', jobsError);
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new JobsClosedError(`${operation}(${this.thingName})`);
  }
}

/**
 * A failure after which the device's view may be stale and the call is worth
 * making again: the network (a timeout, a drop, a garbled reply) or a
 * retryable rejection (RequestThrottled, InternalError).
 */
export function isTransientFailure(error: unknown): boolean {
  return (
    error instanceof JobsTimeoutError ||
    error instanceof MalformedMessageError ||
    (error instanceof JobsRejectedError && error.retryable) ||
    (error instanceof ConnectionClosedError && !(error instanceof JobsClosedError))
  );
}

/**
 * A stable text of a pending list's membership: which executions are in
 * which list. Versions are left out: progress updates are not list changes.
 */
function fingerprint(inProgress: JobExecutionSummary[], queued: JobExecutionSummary[]): string {
  const text = (list: JobExecutionSummary[]): string => list.map((s) => `${s.jobId}#${s.executionNumber}`).join(',');
  return `${text(inProgress)}|${text(queued)}`;
}

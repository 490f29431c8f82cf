/**
 * `Jobs`: a thing's job list, Zerynth style, awaitable.
 *
 * ```ts
 * const jobs = new Jobs(new Thing('my-thing', client));
 * if (jobs.changed()) {
 *   const [inProgress, queued] = await jobs.list();
 *   for (const job of queued) {
 *     await job.describe();
 *     await job.update(Job.SUCCEEDED, { result: 'done' });
 *   }
 * }
 * ```
 * @packageDocumentation
 */

import pTimeout from 'p-timeout';
import { timerMs } from './client/deadline.js';
import { JobsClient, type CallOptions } from './client/jobs-client.js';
import type { JobExecutionStatus, JobExecutionSummary, StatusDetails } from './protocol/shapes.js';
import { assertStatusDetails, assertStepTimeout, assertThingName, assertTimeoutMs } from './client/arguments.js';
import { NEXT_JOB_ID } from './protocol/rules.js';
import { ConnectionClosedError, JobsAbortError, JobsError, JobsTimeoutError } from './errors.js';
import { Job } from './job.js';
import { createEmitter, type Emitter } from './util/emitter.js';
import type { ThingLike } from './thing.js';
import { withThingLock } from './thing-lock.js';
import { routeThing } from './thing-router.js';

/** Events of a {@link Jobs}. */
export type JobsEvents = {
  /** The pending list changed (a `notify`, a `notify-next`, or a difference found after a reconnect). */
  changed: {
    /** What revealed the change: a notification, or a re-read after a reconnect. */
    reason: 'notify' | 'notify-next' | 'reconnect';
  };
  /** The next pending execution changed; `undefined` when none is left. */
  next: Job | undefined;
  /** Something went wrong outside any call (e.g. re-reading state after a reconnect). */
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

/**
 * A thing's jobs. Construction subscribes to the thing's `notify` and
 * `notify-next` topics (see {@link Jobs.ready}); either sets the
 * {@link Jobs.changed} flag.
 *
 * A fresh `Jobs` starts with the flag **set**: its first `changed()` returns
 * true, so a device loop lists the jobs that were pending before it started,
 * with no "force" flag (Zerynth's flag started false, so those jobs were
 * missed until the next notification).
 */
export class Jobs {
  /** The thing's name. */
  readonly thingName: string;
  /** The Jobs client underneath (shared per connection). */
  readonly client: JobsClient;
  /** Typed events: `changed`, `next`, `error`. */
  readonly events: Emitter<JobsEvents> = createEmitter<JobsEvents>();

  private changedFlag = true;
  private closed = false;
  private readonly known = new Map<string, Job>();
  /** Fingerprint of the pending list as last seen, to tell after a reconnect whether it moved. */
  private pendingFingerprint: string | undefined;
  private readonly subscribed: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private readonly unlisteners: Array<() => void> = [];

  /**
   * @param thing - the thing name and its connection.
   * @throws {@link InvalidArgumentError} when the thing name breaks AWS's rule.
   */
  constructor(thing: ThingLike, options: JobsOptions = {}) {
    assertThingName(thing.thingName);
    this.thingName = thing.thingName;
    this.client = options.client ?? JobsClient.for(thing.connection);
    this.listen();
    this.subscribed = this.client.watch(this.thingName);
    // Keep the failure for `ready` and report it; never an unhandled rejection.
    this.subscribed.catch((error: unknown) => this.reportError(error));
  }

  /** Resolves once the notification subscriptions are in place; rejects if the broker refused them. */
  get ready(): Promise<void> {
    return this.subscribed;
  }

  /**
   * True once per change of the pending list, then false until the next
   * change (Zerynth's semantics). True on the first call of a new `Jobs`.
   */
  changed(): boolean {
    const was = this.changedFlag;
    this.changedFlag = false;
    return was;
  }

  /**
   * Lists the thing's pending executions.
   * @returns `[inProgress, queued]`, each in the service's order.
   */
  async list(options: CallOptions = {}): Promise<JobLists> {
    this.assertOpen();
    const reply = await withThingLock(this.client, this.thingName, () => this.client.getPendingJobExecutions(this.thingName, {}, options));
    this.pendingFingerprint = fingerprint(reply.inProgressJobs, reply.queuedJobs);
    const lists: JobLists = [this.jobsFor(reply.inProgressJobs, 'IN_PROGRESS'), this.jobsFor(reply.queuedJobs, 'QUEUED')];
    this.forgetAllBut(new Set([...lists[0], ...lists[1]].map((job) => job.jobId)));
    return lists;
  }

  /** The next pending execution (`$next`), described, or `undefined` when none is pending. */
  async next(options: CallOptions = {}): Promise<Job | undefined> {
    this.assertOpen();
    const reply = await withThingLock(this.client, this.thingName, () =>
      this.client.describeJobExecution(this.thingName, NEXT_JOB_ID, { includeJobDocument: true }, options),
    );
    return reply.execution && this.jobFromExecution(reply.execution);
  }

  /**
   * Starts the next pending execution (QUEUED becomes IN_PROGRESS; an
   * IN_PROGRESS one is returned as is) and returns it with its document.
   * @returns the started job, or `undefined` when nothing is pending.
   * @throws {@link InvalidArgumentError} for bad details or step timeout; the typed call errors otherwise.
   */
  async startNext(statusDetails?: StatusDetails, options: StartNextOptions = {}): Promise<Job | undefined> {
    this.assertOpen();
    if (statusDetails !== undefined) assertStatusDetails(statusDetails);
    if (options.stepTimeoutInMinutes !== undefined) assertStepTimeout(options.stepTimeoutInMinutes, false);
    const reply = await withThingLock(this.client, this.thingName, () =>
      this.client.startNextPendingJobExecution(
        this.thingName,
        {
          ...(statusDetails !== undefined && { statusDetails }),
          ...(options.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: options.stepTimeoutInMinutes }),
        },
        options,
      ),
    );
    return reply.execution && this.jobFromExecution(reply.execution);
  }

  /** A handle for a job id, sharing state with the Job objects `list()` returns. */
  job(jobId: string): Job {
    return this.known.get(jobId) ?? this.remember(new Job(this.client, this.thingName, jobId));
  }

  /**
   * Waits for the next change of the pending list. Resolves at once (and
   * consumes the flag, like `changed()`) when a change is already pending.
   * @throws {@link JobsTimeoutError} after `timeoutMs`; {@link JobsAbortError} on abort; {@link ConnectionClosedError} when closed.
   */
  async waitForChange(options: CallOptions = {}): Promise<void> {
    this.assertOpen();
    if (options.timeoutMs !== undefined) assertTimeoutMs(options.timeoutMs);
    if (options.signal?.aborted) throw new JobsAbortError('waitForChange', { cause: options.signal.reason });
    if (this.changed()) return;
    if (options.timeoutMs === 0) throw new JobsTimeoutError('waitForChange', 0);
    let resolveWait!: () => void;
    const changed = new Promise<void>((resolve) => (resolveWait = resolve));
    this.waiters.add(resolveWait);
    try {
      await pTimeout(changed, {
        milliseconds: timerMs(options.timeoutMs ?? Number.POSITIVE_INFINITY),
        ...(options.signal && { signal: options.signal }),
        message: new JobsTimeoutError('waitForChange', options.timeoutMs ?? 0),
      });
    } catch (error) {
      if (error instanceof JobsError) throw error;
      throw new JobsAbortError('waitForChange', { cause: error });
    } finally {
      this.waiters.delete(resolveWait);
    }
    if (this.closed) throw new ConnectionClosedError('waitForChange');
    this.changedFlag = false;
  }

  /** Stops listening, unsubscribes the thing's notifications and settles every waitForChange. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const unlisten of this.unlisteners.splice(0)) unlisten();
    for (const wake of [...this.waiters]) wake();
    this.events.all.clear();
    await this.subscribed.catch(() => undefined);
    await this.client.unwatch(this.thingName).catch(() => undefined);
  }

  private listen(): void {
    this.unlisteners.push(
      routeThing(this.client, this.thingName, {
        notify: (notification) => {
          const inProgress = notification.jobs.IN_PROGRESS ?? [];
          const queued = notification.jobs.QUEUED ?? [];
          this.pendingFingerprint = fingerprint(inProgress, queued);
          // A device loop that only uses startNext() never lists: forget finished jobs here too.
          this.forgetAllBut(new Set([...inProgress, ...queued].map((summary) => summary.jobId)));
          this.markChanged('notify');
        },
        next: (notification) => {
          this.events.emit('next', notification.execution && this.jobFromExecution(notification.execution));
          this.markChanged('notify-next');
        },
        reconnect: () => {
          this.rereadAfterReconnect().catch((error: unknown) => this.reportError(error));
        },
      }),
    );
  }

  /** After a reconnect: re-read the pending list, and raise `changed` if it moved while offline. */
  private async rereadAfterReconnect(): Promise<void> {
    if (this.closed) return;
    const before = this.pendingFingerprint;
    const reply = await withThingLock(this.client, this.thingName, () => this.client.getPendingJobExecutions(this.thingName));
    const after = fingerprint(reply.inProgressJobs, reply.queuedJobs);
    this.pendingFingerprint = after;
    if (after !== before) this.markChanged('reconnect');
  }

  private markChanged(reason: JobsEvents['changed']['reason']): void {
    if (this.closed) return;
    this.changedFlag = true;
    this.events.emit('changed', { reason });
    for (const wake of [...this.waiters]) wake();
  }

  private jobsFor(summaries: JobExecutionSummary[], status: JobExecutionStatus): Job[] {
    return summaries.map((summary) => {
      const job = this.job(summary.jobId);
      job.applySummary(summary, status);
      return job;
    });
  }

  private jobFromExecution(execution: Parameters<Job['applyExecution']>[0]): Job {
    const job = this.job(execution.jobId);
    job.applyExecution(execution);
    return job;
  }

  /** Drops Job objects that are no longer pending, so a long-running device does not accumulate them. */
  private forgetAllBut(pendingJobIds: ReadonlySet<string>): void {
    for (const jobId of this.known.keys()) if (!pendingJobIds.has(jobId)) this.known.delete(jobId);
  }

  private remember(job: Job): Job {
    this.known.set(job.jobId, job);
    return job;
  }

  private reportError(error: unknown): void {
    const jobsError = error instanceof JobsError ? error : new JobsError(String(error), { cause: error });
    this.events.emit('error', jobsError);
  }

  private assertOpen(): void {
    if (this.closed) throw new ConnectionClosedError(`Jobs(${this.thingName})`);
  }
}

/**
 * A stable text of a pending list's membership: which executions are in
 * which list. Versions are left out: progress updates are not list changes.
 */
function fingerprint(inProgress: JobExecutionSummary[], queued: JobExecutionSummary[]): string {
  const text = (list: JobExecutionSummary[]): string => list.map((s) => `${s.jobId}#${s.executionNumber}`).join(',');
  return `${text(inProgress)}|${text(queued)}`;
}

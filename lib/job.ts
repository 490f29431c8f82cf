/**
 * `Job`: one job execution of one thing, Zerynth style. `describe()` and
 * `update()` resolve `true` on success and `false` on failure, with the typed
 * reason in {@link Job.error}; invalid arguments reject at once, before
 * anything is sent.
 * @packageDocumentation
 */

import type { CallOptions, JobsClient } from './client/jobs-client.js';
import type { JobExecution, JobExecutionState, JobExecutionStatus, JobExecutionSummary, StatusDetails } from './protocol/shapes.js';
import type { JsonObject } from './protocol/json.js';
import { assertDeviceStatus, assertJobId, assertNonNegativeInteger, assertStatusDetails, assertStepTimeout } from './client/arguments.js';
import { type DeviceStatus } from './protocol/rules.js';
import { JobsError, JobsRejectedError } from './errors.js';
import { withThingLock } from './thing-lock.js';
import { toDate } from './times.js';
import { retryOnRetryable, type RetryOptions } from './retry.js';

/** Options of {@link Job.update}. */
export interface JobUpdateOptions extends CallOptions, RetryOptions {
  /** Starts (1..10080) or, with -1, cancels the execution's step timer. */
  stepTimeoutInMinutes?: number;
  /** Ask for the job document in the reply and store it in {@link Job.document}. @defaultValue false */
  includeJobDocument?: boolean;
}

/** One job execution of a thing. Made by {@link Jobs}; you rarely construct one yourself. */
export class Job {
  /** Waiting to be started. */
  static readonly QUEUED = 'QUEUED';
  /** Started by the device. */
  static readonly IN_PROGRESS = 'IN_PROGRESS';
  /** Ended well (set by the device). */
  static readonly SUCCEEDED = 'SUCCEEDED';
  /** Ended badly (set by the device). */
  static readonly FAILED = 'FAILED';
  /** Refused by the device. */
  static readonly REJECTED = 'REJECTED';
  /** A timer ran out (set by the service). */
  static readonly TIMED_OUT = 'TIMED_OUT';
  /** The thing is no longer a target (set by the service). */
  static readonly REMOVED = 'REMOVED';
  /** The job or execution was canceled (set by the service). */
  static readonly CANCELED = 'CANCELED';

  /** The thing this execution belongs to. */
  readonly thingName: string;
  /** The job id (Zerynth's `jobid`). */
  readonly jobId: string;
  /** Which execution of the job on this thing. */
  executionNumber: number | undefined;
  /** The execution's versionNumber as last seen; sent as `expectedVersion` by {@link Job.update}. */
  version: number | undefined;
  /** The status as last seen. `undefined` until described, unless the listing implied it. */
  status: JobExecutionStatus | undefined;
  /** The status details as last seen. */
  statusDetails: StatusDetails | undefined;
  /** The job document, filled by {@link Job.describe}. */
  document: JsonObject | undefined;
  /** When the execution was queued. */
  queuedAt: Date | undefined;
  /** When the device started it. */
  startedAt: Date | undefined;
  /** When it last changed. */
  lastUpdatedAt: Date | undefined;
  /** Seconds left before the service times it out, when a timer runs. */
  approximateSecondsBeforeTimedOut: number | undefined;
  /** Why the last describe() or update() returned false; `undefined` after a success. */
  error: JobsError | undefined;

  private readonly client: JobsClient;

  /**
   * @param client - the Jobs client of the thing's connection.
   * @param thingName - the thing (validated by the caller).
   * @param jobId - the job id.
   * @throws {@link InvalidArgumentError} when `jobId` breaks AWS's rule.
   */
  constructor(client: JobsClient, thingName: string, jobId: string) {
    assertJobId(jobId);
    this.client = client;
    this.thingName = thingName;
    this.jobId = jobId;
  }

  /**
   * Reads the execution from the service and fills `status`, `version`,
   * `document`, `statusDetails` and the times.
   * @returns true on success; false on a rejection, timeout, abort or lost connection (see {@link Job.error}).
   */
  async describe(options: CallOptions = {}): Promise<boolean> {
    return this.settle(async () => {
      const reply = await withThingLock(this.client, this.thingName, () =>
        this.client.describeJobExecution(this.thingName, this.jobId, { includeJobDocument: true }, options),
      );
      if (reply.execution) this.applyExecution(reply.execution);
    });
  }

  /**
   * Sets the execution's status, sending `expectedVersion` from the version
   * last seen and refreshing it from the reply, so consecutive updates need
   * no describe in between. On VersionMismatch the state the rejection
   * carries is adopted, so the next update can succeed.
   * @param status - `Job.IN_PROGRESS`, `Job.SUCCEEDED`, `Job.FAILED` or `Job.REJECTED`.
   * @param statusDetails - replaces the execution's details when given.
   * @returns true on success; false on a rejection, timeout, abort or lost connection (see {@link Job.error}).
   * @throws {@link InvalidArgumentError} (as a rejected promise, before anything is sent) for a bad status, details or step timeout.
   */
  async update(status: DeviceStatus, statusDetails?: StatusDetails, options: JobUpdateOptions = {}): Promise<boolean> {
    assertDeviceStatus(status);
    if (statusDetails !== undefined) assertStatusDetails(statusDetails);
    if (options.stepTimeoutInMinutes !== undefined) assertStepTimeout(options.stepTimeoutInMinutes, true);
    if (options.retries !== undefined) assertNonNegativeInteger(options.retries, 'retries');
    if (options.retryDelayMs !== undefined) assertNonNegativeInteger(options.retryDelayMs, 'retryDelayMs');
    return this.settle(() =>
      retryOnRetryable(options, () =>
        withThingLock(this.client, this.thingName, async () => {
          const reply = await this.client.updateJobExecution(
            this.thingName,
            this.jobId,
            {
              status,
              ...(statusDetails !== undefined && { statusDetails }),
              ...(this.version !== undefined && { expectedVersion: this.version }),
              ...(this.executionNumber !== undefined && { executionNumber: this.executionNumber }),
              ...(options.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: options.stepTimeoutInMinutes }),
              ...(options.includeJobDocument !== undefined && { includeJobDocument: options.includeJobDocument }),
              includeJobExecutionState: true,
            },
            options,
          );
          if (reply.executionState) this.applyState(reply.executionState);
          if (reply.jobDocument) this.document = reply.jobDocument;
        }),
      ),
    );
  }

  /** `jobId@thingName`, as Zerynth prints a job. */
  toString(): string {
    return `${this.jobId}@${this.thingName}`;
  }

  /** Fills the fields a listing or notification carries. @internal */
  applySummary(summary: JobExecutionSummary, status: JobExecutionStatus): void {
    this.status = status;
    this.version = summary.versionNumber;
    this.executionNumber = summary.executionNumber;
    this.queuedAt = toDate(summary.queuedAt);
    this.startedAt = toDate(summary.startedAt);
    this.lastUpdatedAt = toDate(summary.lastUpdatedAt);
  }

  /** Fills every field an execution carries. @internal */
  applyExecution(execution: JobExecution): void {
    this.status = execution.status;
    this.version = execution.versionNumber;
    this.executionNumber = execution.executionNumber;
    this.statusDetails = execution.statusDetails;
    if (execution.jobDocument !== undefined) this.document = execution.jobDocument;
    this.queuedAt = toDate(execution.queuedAt);
    this.startedAt = toDate(execution.startedAt);
    this.lastUpdatedAt = toDate(execution.lastUpdatedAt);
    this.approximateSecondsBeforeTimedOut = execution.approximateSecondsBeforeTimedOut;
  }

  private applyState(state: JobExecutionState): void {
    this.status = state.status;
    this.version = state.versionNumber;
    this.statusDetails = state.statusDetails;
  }

  /** Runs an operation Zerynth style: true on success, false with `error` set on a JobsError. */
  private async settle(operation: () => Promise<void>): Promise<boolean> {
    try {
      await operation();
      this.error = undefined;
      return true;
    } catch (error) {
      if (!(error instanceof JobsError)) throw error;
      this.error = error;
      // VersionMismatch and InvalidStateTransition carry the service's state: adopt it.
      if (error instanceof JobsRejectedError && error.executionState) this.applyState(error.executionState);
      return false;
    }
  }
}

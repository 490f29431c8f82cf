/**
 * `Job`: one job execution of one thing, Zerynth style. `describe()` and
 * `update()` resolve `true` on success and `false` on what the service or the
 * network did, with the typed reason in {@link Job.error}; invalid arguments
 * reject at once, before anything is sent.
 * @packageDocumentation
 */

import type { CallOptions } from './client/jobs-client.js';
import type { JobExecutionStatus, StatusDetails } from './protocol/shapes.js';
import type { JsonObject } from './protocol/json.js';
import { assertBoolean, assertDeviceStatus, assertJobId, assertNonNegativeInteger, assertStatusDetails, assertStepTimeout } from './client/arguments.js';
import { assertCallOptions } from './client/request-validation.js';
import { type DeviceStatus } from './protocol/rules.js';
import { ConnectionClosedError, JobsClosedError, JobsRejectedError, JobsTimeoutError, MalformedMessageError, SubscriptionRefusedError, JobsAbortError, type JobsError } from './errors.js';
import { applyExecution, applyState, type ExecutionRecord } from './execution-state.js';
import { retryOnRetryable, type RetryOptions } from './retry.js';
import type { JobContext } from './job-context.js';

/** Options of {@link Job.update}. */
export interface JobUpdateOptions extends CallOptions, RetryOptions {
  /** Starts (1..10080) or, with -1, cancels the execution's step timer. */
  stepTimeoutInMinutes?: number;
  /** Ask for the job document in the reply and store it in {@link Job.document}. @defaultValue false */
  includeJobDocument?: boolean;
  /**
   * Ride through a dropped connection: when the update cannot be sent, or its
   * reply is cut by a drop, wait for the reconnect and send it again, all
   * within `timeoutMs`. A re-sent final status that finds the execution
   * already in that status resolves `true`.
   * @defaultValue true for SUCCEEDED, FAILED and REJECTED (a device must not
   *   lose its verdict to a blip); false for IN_PROGRESS (a progress report is
   *   superseded by the next one).
   */
  rideThrough?: boolean;
}

/** The statuses that end an execution, which a device may set. */
const FINAL_DEVICE_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'REJECTED']);

/** One job execution of a thing. Made by {@link Jobs} (`jobs.list()`, `jobs.job(id)`, ...). */
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
  /** Why the last describe() or update() returned false; `undefined` after a success. */
  error: JobsError | undefined;

  readonly #context: JobContext;
  readonly #record: ExecutionRecord;

  /**
   * Made by {@link Jobs}: use `jobs.job(jobId)` or the lists of `jobs.list()`.
   * @internal
   */
  constructor(context: JobContext, jobId: string) {
    assertJobId(jobId);
    this.#context = context;
    this.thingName = context.thingName;
    this.jobId = jobId;
    this.#record = context.record(jobId);
  }

  /** Which execution of the job on this thing. */
  get executionNumber(): number | undefined {
    return this.#record.executionNumber;
  }
  /** The execution's versionNumber as last seen (by any Jobs of this thing on this connection); sent as `expectedVersion` by {@link Job.update}. */
  get version(): number | undefined {
    return this.#record.version;
  }
  /** The status as last seen. `undefined` until described, unless the listing implied it. */
  get status(): JobExecutionStatus | undefined {
    return this.#record.status;
  }
  /** The status details as last seen. */
  get statusDetails(): StatusDetails | undefined {
    return this.#record.statusDetails;
  }
  /** The job document, filled by {@link Job.describe}. */
  get document(): JsonObject | undefined {
    return this.#record.document;
  }
  /** When the execution was queued. */
  get queuedAt(): Date | undefined {
    return this.#record.queuedAt;
  }
  /** When the device started it. */
  get startedAt(): Date | undefined {
    return this.#record.startedAt;
  }
  /** When it last changed. */
  get lastUpdatedAt(): Date | undefined {
    return this.#record.lastUpdatedAt;
  }
  /** Seconds left before the service times it out, when a timer runs. */
  get approximateSecondsBeforeTimedOut(): number | undefined {
    return this.#record.approximateSecondsBeforeTimedOut;
  }

  /**
   * Reads the execution from the service and fills `status`, `version`,
   * `document`, `statusDetails` and the times. `timeoutMs` covers the time
   * queued behind the per-thing lock too.
   * @returns true on success; false on a rejection, timeout, abort or lost connection (see {@link Job.error}).
   * @throws {@link InvalidArgumentError} (as a rejected promise) for invalid options.
   */
  async describe(options: CallOptions = {}): Promise<boolean> {
    assertCallOptions(options);
    return this.settle(undefined, () =>
      this.#context.locked(`describe(${this.toString()})`, options, async (callOptions) => {
        const reply = await this.#context.unchecked.describe(this.thingName, this.jobId, { includeJobDocument: true }, callOptions);
        if (reply.execution) applyExecution(this.#record, reply.execution);
      }),
    );
  }

  /**
   * Sets the execution's status, sending `expectedVersion` from the version
   * last seen and refreshing it from the reply, so consecutive updates need
   * no describe in between. On VersionMismatch the state the rejection
   * carries is adopted, so the next update can succeed. A final status that
   * the service reports as already set (a retry after a lost reply) is `true`.
   * `timeoutMs` covers everything: the time queued behind the per-thing lock,
   * every attempt, the pauses between retries and the wait for a reconnect.
   * @param status - `Job.IN_PROGRESS`, `Job.SUCCEEDED`, `Job.FAILED` or `Job.REJECTED`.
   * @param statusDetails - replaces the execution's details when given.
   * @returns true on success; false on a rejection, timeout, abort or lost connection (see {@link Job.error};
   *   its `requestSent` tells "not sent" from "sent, outcome unknown").
   * @throws {@link InvalidArgumentError} (as a rejected promise, before anything is sent) for a bad status, details or option.
   */
  async update(status: DeviceStatus, statusDetails?: StatusDetails, options: JobUpdateOptions = {}): Promise<boolean> {
    assertDeviceStatus(status);
    if (statusDetails !== undefined) assertStatusDetails(statusDetails);
    assertCallOptions(options);
    if (options.stepTimeoutInMinutes !== undefined) assertStepTimeout(options.stepTimeoutInMinutes, true);
    if (options.retries !== undefined) assertNonNegativeInteger(options.retries, 'retries');
    if (options.retryDelayMs !== undefined) assertNonNegativeInteger(options.retryDelayMs, 'retryDelayMs');
    if (options.includeJobDocument !== undefined) assertBoolean(options.includeJobDocument, 'includeJobDocument');
    if (options.rideThrough !== undefined) assertBoolean(options.rideThrough, 'rideThrough');
    const rideThrough = options.rideThrough ?? FINAL_DEVICE_STATUSES.has(status);
    const name = `update(${this.toString()}, ${status})`;
    const context = this.#context;
    return this.settle(status, () =>
      context.withDeadline(options, async (deadline) => {
        const send = (): Promise<void> =>
          context.locked(name, { ...options, timeoutMs: deadline.remainingMs() }, async (callOptions) => {
            const record = this.#record;
            const reply = await context.unchecked.update(
              this.thingName,
              this.jobId,
              {
                status,
                ...(statusDetails !== undefined && { statusDetails }),
                ...(record.version !== undefined && { expectedVersion: record.version }),
                ...(record.executionNumber !== undefined && { executionNumber: record.executionNumber }),
                ...(options.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: options.stepTimeoutInMinutes }),
                ...(options.includeJobDocument !== undefined && { includeJobDocument: options.includeJobDocument }),
                includeJobExecutionState: true,
              },
              callOptions,
            );
            if (reply.executionState) applyState(record, reply.executionState);
            if (reply.jobDocument) record.document = reply.jobDocument;
          });
        const bounds = { signal: options.signal, closeSignal: context.closeSignal, closedError: () => new JobsClosedError(name) };
        return retryOnRetryable(options, bounds, () => deadline.remainingMs(), async () => {
          for (;;) {
            try {
              return await send();
            } catch (error) {
              if (!rideThrough || !(error instanceof ConnectionClosedError) || error instanceof JobsClosedError || context.ended()) throw error;
              // Not sent, or cut by a drop: wait for the connection and send again, within the deadline.
              await context.whenOnline(name, { ...bounds, timeoutMs: deadline.remainingMs() });
            }
          }
        });
      }),
    );
  }

  /** `jobId@thingName`, as Zerynth prints a job. */
  toString(): string {
    return `${this.jobId}@${this.thingName}`;
  }

  /**
   * Runs an operation Zerynth style: true on success; false with `error` set
   * for what the service or the network did. Anything else (an invalid
   * argument, a simulator misuse, a bug) rejects.
   */
  private async settle(requested: DeviceStatus | undefined, operation: () => Promise<void>): Promise<boolean> {
    try {
      if (this.#context.closeSignal.aborted) throw new JobsClosedError(`${this.toString()}`);
      await operation();
      this.error = undefined;
      return true;
    } catch (error) {
      if (!isOutcomeError(error)) throw error;
      // VersionMismatch and InvalidStateTransition carry the service's state: adopt it.
      if (error instanceof JobsRejectedError && error.executionState) {
        applyState(this.#record, error.executionState);
        // A final status already set, as asked: a retry of an update whose reply was lost.
        if (requested !== undefined && FINAL_DEVICE_STATUSES.has(requested) && error.executionState.status === requested) {
          this.error = undefined;
          return true;
        }
      }
      this.error = error;
      if (isNetworkFailure(error)) this.#context.stale();
      return false;
    }
  }
}

/** The errors a Zerynth-style boolean reports as `false`: what the service or the network did. */
function isOutcomeError(error: unknown): error is JobsError {
  return (
    error instanceof JobsRejectedError ||
    error instanceof JobsTimeoutError ||
    error instanceof JobsAbortError ||
    error instanceof ConnectionClosedError ||
    error instanceof MalformedMessageError ||
    error instanceof SubscriptionRefusedError
  );
}

/** A failure after which the device's view may be stale: its Jobs re-reads the pending list. */
function isNetworkFailure(error: JobsError): boolean {
  return (
    error instanceof JobsTimeoutError ||
    error instanceof MalformedMessageError ||
    (error instanceof JobsRejectedError && error.retryable) ||
    (error instanceof ConnectionClosedError && !(error instanceof JobsClosedError))
  );
}

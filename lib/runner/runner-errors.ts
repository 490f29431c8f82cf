/**
 * The reasons a handler's `signal` aborts, and the rejection a handler raises
 * with `ctx.reject()`.
 * @packageDocumentation
 */

import { JobsError } from '../errors.js';
import type { StatusDetails } from '../protocol/shapes.js';

/** How the service ended an execution the device was running; `DELETED` when the job or execution is gone. */
export type EndedStatus = 'CANCELED' | 'REMOVED' | 'TIMED_OUT' | 'DELETED' | 'SUCCEEDED' | 'FAILED' | 'REJECTED';

/**
 * The service shows the execution ended by someone else (canceled, removed,
 * timed out, deleted): the handler's `signal.reason`. The runner reports
 * nothing more for that execution.
 */
export class ExecutionEndedError extends JobsError {
  /** The job. */
  readonly jobId: string;
  /** The status the service shows. */
  readonly status: EndedStatus;
  /** @param jobId - the job. @param status - what the service shows. */
  constructor(jobId: string, status: EndedStatus, options?: ErrorOptions) {
    super(status === 'DELETED' ? `job ${jobId} was deleted` : `job ${jobId} is ${status} at the service`, options);
    this.jobId = jobId;
    this.status = status;
  }
}

/** The runner was stopped while the handler ran: the handler's `signal.reason`. The execution stays IN_PROGRESS and is resumed by the next runner. */
export class RunnerStoppedError extends JobsError {
  /** @param jobId - the job whose handler was running. */
  constructor(jobId: string) {
    super(`the runner stopped while job ${jobId} was running`);
  }
}

/** Thrown by `ctx.reject(reason)`: the execution ends REJECTED with these details. */
export class JobRejection extends JobsError {
  /** The status details sent with REJECTED. */
  readonly statusDetails: StatusDetails;
  /** @param statusDetails - sent with REJECTED. */
  constructor(statusDetails: StatusDetails) {
    super(`rejected: ${statusDetails.reason ?? JSON.stringify(statusDetails)}`);
    this.statusDetails = statusDetails;
  }
}

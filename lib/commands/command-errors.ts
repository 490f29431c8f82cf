/**
 * Errors of the Commands face. They extend {@link JobsError}, like every
 * error of the library.
 * @packageDocumentation
 */

import { JobsError } from '../errors.js';
import type { CommandResponseRejected } from '../protocol/commands/shapes.js';

/** The Commands service answered a response on its `/response/rejected/<format>` topic. */
export class CommandRejectedError extends JobsError {
  /** The service's error code, e.g. `TerminalStateReached`. */
  readonly code: string;
  /** The execution the response was for. */
  readonly executionId: string | undefined;

  /** @param rejection - the decoded rejected reply. */
  constructor(rejection: CommandResponseRejected) {
    super(`${rejection.error}: ${rejection.errorMessage ?? 'rejected by the Commands service'}`);
    this.code = rejection.error;
    this.executionId = rejection.executionId;
  }

  /** True when the service considers the execution over (TerminalStateReached, ResourceNotFound). */
  get executionEnded(): boolean {
    return this.code === 'TerminalStateReached' || this.code === 'ResourceNotFound';
  }

  /** True for codes worth retrying after a pause. */
  get retryable(): boolean {
    return this.code === 'RequestThrottled' || this.code === 'InternalError';
  }
}

/** The reason a command execution's `signal` aborts when its time is up. */
export class CommandTimeoutError extends JobsError {
  /** The execution. */
  readonly executionId: string;
  /** The limit that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  /** @param executionId - the execution. @param timeoutMs - the limit. */
  constructor(executionId: string, timeoutMs: number) {
    super(`command execution ${executionId} ran out of its ${timeoutMs} ms`);
    this.executionId = executionId;
    this.timeoutMs = timeoutMs;
  }
}

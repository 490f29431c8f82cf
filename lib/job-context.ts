/**
 * What a {@link Job} needs from the {@link Jobs} that made it: the shared
 * execution records, the per-thing lock with the call's deadline, the
 * unchecked client operations, and the Jobs' lifetime. Internal.
 * @packageDocumentation
 */

import type { CallOptions } from './client/jobs-client.js';
import type { Deadline, WaitBounds } from './client/deadline.js';
import type { UncheckedOperations } from './client/internal.js';
import type { ExecutionRecord } from './execution-state.js';

/** The side of a Jobs that its Job handles use. */
export interface JobContext {
  /** The thing. */
  readonly thingName: string;
  /** The client operations, without argument checks (the Job checked them). */
  readonly unchecked: UncheckedOperations;
  /** Aborts when the Jobs closes. */
  readonly closeSignal: AbortSignal;
  /** The shared record of `jobId`. */
  record(jobId: string): ExecutionRecord;
  /** True once the client is closed or the connection ended for good. */
  ended(): boolean;
  /** A call failed for a network reason: re-read the pending list (and raise `changed`) once the service answers. */
  stale(): void;
  /** Runs `fn` with a deadline of `options.timeoutMs` (or the client's default) from now. */
  withDeadline<T>(options: CallOptions, fn: (deadline: Deadline) => Promise<T>): Promise<T>;
  /**
   * Runs `task` under the per-thing lock; the time queued counts against
   * `options.timeoutMs`, and `options.signal` and the Jobs' close end the wait.
   * @param task - receives the options of the client call: the time left, and a signal that also fires on close.
   */
  locked<T>(name: string, options: CallOptions, task: (callOptions: CallOptions) => Promise<T>): Promise<T>;
  /** Resolves when the connection is up (at once if it is), within `bounds`. */
  whenOnline(name: string, bounds: WaitBounds<void>): Promise<void>;
}

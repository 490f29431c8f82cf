/**
 * Bounds an operation in flight by a timeout (p-timeout) and an AbortSignal.
 * Both end the operation itself, so that the correlation table and the
 * subscriptions see one outcome; the timer and the abort listener are removed
 * as soon as the operation settles, however it settles.
 * @packageDocumentation
 */

import pTimeout from 'p-timeout';
import { JobsAbortError, JobsTimeoutError } from '../errors.js';
import type { Deferred } from './deferred.js';

/**
 * The longest delay a Node timer can hold (about 24.8 days). A longer one
 * overflows and fires after 1 ms, so a "very long" timeout would expire at
 * once; {@link timerMs} turns such values into `Infinity` (no timer).
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** `ms`, or `Infinity` when a Node timer cannot hold it. */
export function timerMs(ms: number): number {
  return ms > MAX_TIMER_MS ? Number.POSITIVE_INFINITY : ms;
}

/**
 * Waits for `operation`, failing it with {@link JobsTimeoutError} after
 * `timeoutMs` (`Infinity` for never; 0 fires at the next timer tick) or with
 * {@link JobsAbortError} when `signal` aborts.
 */
export async function settleWithin<T>(operation: Deferred<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  const onAbort = (): void => {
    operation.fail(new JobsAbortError(operation.name, { cause: signal?.reason }), 'aborted');
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // p-timeout builds a TimeoutError, with a stack trace, on every call, even
  // with a fallback that never uses it: that capture was the largest single
  // cost of a request (bench/request-overhead.ts). The error is made
  // synchronously inside pTimeout, so a zero stack limit around the call
  // removes the capture and nothing else.
  const stackTraceLimit = Error.stackTraceLimit;
  let bounded: Promise<T>;
  try {
    Error.stackTraceLimit = 0;
    bounded = pTimeout(operation.promise, {
      // p-timeout wants a positive number; 0 means "as soon as possible".
      milliseconds: Math.max(timerMs(timeoutMs), 1),
      fallback: () => {
        operation.fail(new JobsTimeoutError(operation.name, timeoutMs), 'timed-out');
        return operation.promise;
      },
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  try {
    return await bounded;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

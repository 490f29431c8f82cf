/**
 * Bounds an operation in flight by a timeout and an AbortSignal.
 * Both end the operation itself, so that the correlation table and the
 * subscriptions see one outcome; the timer and the abort listener are removed
 * as soon as the operation settles, however it settles.
 * @packageDocumentation
 */

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
 *
 * A plain timer rather than p-timeout on this path: every request passes
 * here, and p-timeout builds a `TimeoutError` (an `Error`, with its stack
 * capture) up front on every call and wraps the promise once more. Measured
 * with `npm run bench` (bench/library-overhead.ts, "deadline" rows), the
 * plain timer is the cheaper by several microseconds a call; p-timeout still
 * bounds the waits that are not per request.
 */
export async function settleWithin<T>(operation: Deferred<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) {
    operation.fail(new JobsAbortError(operation.name, { cause: signal.reason }), 'aborted');
    return operation.promise;
  }
  const ms = timerMs(timeoutMs);
  const timer =
    ms === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(() => operation.fail(new JobsTimeoutError(operation.name, timeoutMs), 'timed-out'), Math.max(ms, 1));
  const onAbort =
    signal === undefined ? undefined : (): void => void operation.fail(new JobsAbortError(operation.name, { cause: signal.reason }), 'aborted');
  if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await operation.promise;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The one bounded wait of the library: a client call waiting for its reply,
 * a `Jobs` call queued behind the per-thing lock, `waitForChange`, a retry
 * pause, a wait for the connection to come back, a close.
 *
 * Every wait is a {@link Deferred} that the bound ends itself: a timeout, the
 * caller's AbortSignal or the owner's close fail (or, with `onTimeout`,
 * resolve) the operation, so whoever else watches it (the correlation table,
 * the subscriptions) sees the same single outcome. The timer and the abort
 * listeners are removed the moment the operation settles, however it settles.
 * @packageDocumentation
 */

import pTimeout from 'p-timeout';
import { JobsAbortError, JobsTimeoutError, type JobsError } from '../errors.js';
import { Deferred } from './deferred.js';

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

/** How a wait is bounded. */
export interface WaitBounds<T> {
  /** Milliseconds; `Infinity` for no timer; 0 fires at the next timer tick. */
  timeoutMs: number;
  /** The caller's signal: its abort fails the wait with {@link JobsAbortError}. */
  signal?: AbortSignal | undefined;
  /** The owner's lifetime: its abort fails the wait with `closedError()`. */
  closeSignal?: AbortSignal | undefined;
  /** The error of a close (required with `closeSignal`). */
  closedError?: (() => JobsError) | undefined;
  /** On timeout, settle with this value instead of failing with {@link JobsTimeoutError}. */
  onTimeout?: (() => T) | undefined;
  /** Whether the request had gone out, for the timeout and abort errors. @defaultValue never */
  requestSent?: (() => boolean) | undefined;
}

/**
 * Bounds `operation` and returns its promise.
 * @throws {@link JobsTimeoutError}, {@link JobsAbortError}, or the owner's closed error; whatever the operation itself fails with.
 */
export function settleWithin<T>(operation: Deferred<T>, bounds: WaitBounds<T>): Promise<T> {
  const { signal, closeSignal } = bounds;
  const sent = (): boolean => bounds.requestSent?.() ?? false;
  const onAbort = (): void => {
    operation.fail(new JobsAbortError(operation.name, { cause: signal?.reason, requestSent: sent() }), 'aborted');
  };
  const onClose = (): void => {
    operation.fail(bounds.closedError?.() ?? new JobsAbortError(operation.name), 'closed');
  };
  if (closeSignal?.aborted === true) onClose();
  else if (signal?.aborted === true) onAbort();
  if (operation.settled) return operation.promise;
  signal?.addEventListener('abort', onAbort, { once: true });
  closeSignal?.addEventListener('abort', onClose, { once: true });
  const ms = Math.max(timerMs(bounds.timeoutMs), 1); // 0 means "as soon as possible"
  let bounded: Promise<T>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (ms === Number.POSITIVE_INFINITY) bounded = operation.promise;
  else if (bounds.onTimeout === undefined) {
    // The request path (every call passes here): a plain timer. p-timeout builds
    // a TimeoutError, with its stack capture, up front on every call and wraps
    // the promise once more; `npm run bench` (bench/library-overhead.ts,
    // "deadline" rows) measured the plain timer several microseconds cheaper.
    timer = setTimeout(() => operation.fail(new JobsTimeoutError(operation.name, bounds.timeoutMs, { requestSent: sent() }), 'timed-out'), ms);
    bounded = operation.promise;
  } else {
    // Waits that end in a value (waitForChange, pauses, closes): p-timeout's fallback.
    bounded = pTimeout(operation.promise, {
      milliseconds: ms,
      fallback: () => {
        const onTimeout = bounds.onTimeout;
        if (onTimeout !== undefined) operation.resolve(onTimeout(), 'timed-out');
        return operation.promise;
      },
    });
  }
  const cleanup = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    closeSignal?.removeEventListener('abort', onClose);
  };
  bounded.then(cleanup, cleanup);
  return bounded;
}

/**
 * Waits `ms` (a retry pause), ended early by the caller's signal or the owner's close.
 * @throws {@link JobsAbortError} or the owner's closed error.
 */
export function pause(name: string, ms: number, bounds: Omit<WaitBounds<void>, 'timeoutMs' | 'onTimeout'> = {}): Promise<void> {
  return settleWithin(new Deferred<void>(name), { ...bounds, timeoutMs: ms, onTimeout: () => undefined });
}

/**
 * A point in time by which a whole operation must be done (time queued behind
 * the per-thing lock, every attempt and every pause count against it).
 */
export class Deadline {
  private readonly endsAt: number;

  /** @param timeoutMs - from now; `Infinity` for never. */
  constructor(readonly timeoutMs: number) {
    this.endsAt = Date.now() + timeoutMs;
  }

  /** Milliseconds left (0 when passed; `Infinity` for no deadline). */
  remainingMs(): number {
    if (this.timeoutMs === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.endsAt - Date.now());
  }
}

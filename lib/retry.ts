/**
 * Bounded retries with exponential backoff, for retryable rejections only
 * (`RequestThrottled`, `InternalError`), as the AWS IoT Device Client does.
 * Final codes such as InvalidStateTransition are never retried. The pauses
 * go through the one bounded wait (client/deadline.ts): the caller's signal,
 * the Jobs' close and the call's deadline end them.
 * @packageDocumentation
 */

import { MAX_TIMER_MS, pause, type WaitBounds } from './client/deadline.js';
import { JobsRejectedError } from './errors.js';

/** Retry settings of an operation. */
export interface RetryOptions {
  /** How many times to retry a retryable rejection. @defaultValue 2 */
  retries?: number;
  /** The first pause; it doubles each retry. @defaultValue 200 */
  retryDelayMs?: number;
  /** Aborts the pause between tries too. */
  signal?: AbortSignal | undefined;
}

/** Default number of retries of a retryable rejection. */
export const DEFAULT_RETRIES = 2;
/** Default first pause between tries, in milliseconds. */
export const DEFAULT_RETRY_DELAY_MS = 200;

/**
 * Runs `attempt`, retrying it after a pause when it fails with a retryable rejection.
 * @param remainingMs - the time left of the caller's deadline: no pause runs past it.
 */
export async function retryOnRetryable<T>(
  options: RetryOptions,
  bounds: Omit<WaitBounds<void>, 'timeoutMs' | 'onTimeout'>,
  remainingMs: () => number,
  attempt: () => Promise<T>,
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  let delayMs = Math.min(options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, MAX_TIMER_MS);
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof JobsRejectedError) || !error.retryable || tried >= retries || remainingMs() <= delayMs) throw error;
      await pause('retry', delayMs, bounds);
      // Doubling stops at what a Node timer can hold (a longer delay would fire after 1 ms).
      delayMs = Math.min(delayMs * 2, MAX_TIMER_MS);
    }
  }
}

/** A pause of `baseMs` with ±50 % random jitter, so a fleet that reconnects together does not retry together. */
export function jittered(baseMs: number): number {
  return Math.round(baseMs * (0.5 + Math.random()));
}

/**
 * Bounded retries with exponential backoff, for retryable rejections only
 * (`RequestThrottled`, `InternalError`), as the AWS IoT Device Client does.
 * Final codes such as InvalidStateTransition are never retried.
 * @packageDocumentation
 */

import { MAX_TIMER_MS } from './client/deadline.js';
import { JobsAbortError, JobsRejectedError } from './errors.js';

/** Retry settings of an operation. */
export interface RetryOptions {
  /** How many times to retry a retryable rejection. @defaultValue 2 */
  retries?: number;
  /** The first pause; it doubles each retry. @defaultValue 200 */
  retryDelayMs?: number;
  /** Aborts the pause between tries too. */
  signal?: AbortSignal;
}

/** Default number of retries of a retryable rejection. */
export const DEFAULT_RETRIES = 2;
/** Default first pause between tries, in milliseconds. */
export const DEFAULT_RETRY_DELAY_MS = 200;

/** Runs `attempt`, retrying it after a pause when it fails with a retryable rejection. */
export async function retryOnRetryable<T>(options: RetryOptions, attempt: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  let delayMs = Math.min(options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, MAX_TIMER_MS);
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof JobsRejectedError) || !error.retryable || tried >= retries) throw error;
      await pause(delayMs, options.signal);
      // Doubling stops at what a Node timer can hold (a longer delay would fire after 1 ms).
      delayMs = Math.min(delayMs * 2, MAX_TIMER_MS);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new JobsAbortError('retry', { cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new JobsAbortError('retry', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

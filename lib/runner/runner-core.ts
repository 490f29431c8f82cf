/**
 * What the parts of a runner share: its settings, its Jobs, its stop signal
 * and its way of telling. Internal.
 * @packageDocumentation
 */

import type { CallOptions } from '../client/jobs-client.js';
import type { Job } from '../job.js';
import type { Jobs } from '../jobs.js';
import type { StatusDetails } from '../protocol/shapes.js';
import type { HandlerChoice } from './handlers.js';
import type { JobRunnerEvents } from './runner-events.js';
import type { StatusStore, StoredStatus } from './status-store.js';

/** The runner's options with every default applied. */
export interface RunnerSettings {
  readonly handlers: HandlerChoice;
  readonly concurrency: number;
  readonly store: StatusStore;
  readonly stepTimeoutInMinutes: number | undefined;
  readonly heartbeatMs: number;
  readonly livenessMs: number | undefined;
  readonly progressIntervalMs: number;
  readonly timeoutMs: number | undefined;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly pollMs: number;
  readonly unhandled: (job: Job, missing: string) => StatusDetails;
}

/** One runner, as its parts see it. */
export interface RunnerCore {
  readonly thingName: string;
  readonly jobs: Jobs;
  readonly settings: RunnerSettings;
  /** Tells: emits the event (a throwing listener is contained) and logs it. */
  emit<K extends keyof JobRunnerEvents>(type: K, event: JobRunnerEvents[K]): void;
  /** Hands a final status to the outbox: stored, then delivered until the service settles it. */
  finish(status: StoredStatus, job: Job): Promise<void>;
}

/** `{ signal, timeoutMs }` for a call the runner makes. */
export function callOptions(settings: RunnerSettings, signal: AbortSignal): CallOptions {
  return { signal, ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }) };
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. The timer is cleared either way. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A signal that aborts when any of `signals` does, and a function that
 * detaches it. Unlike `AbortSignal.any`, nothing stays registered on a
 * long-lived signal (the runner's stop signal) once `release` ran.
 */
export function linkedSignal(...signals: AbortSignal[]): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  for (const signal of signals) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', abort, { once: true });
  }
  return { signal: controller.signal, release: () => signals.forEach((signal) => signal.removeEventListener('abort', abort)) };
}

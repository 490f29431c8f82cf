/**
 * The durable outbox: a final status is stored before it is sent, and sent
 * again (on start, after every reconnect, and with a capped backoff) until the
 * service accepts it, already has it, or refuses it for good.
 * @packageDocumentation
 */

import { JobsError } from '../errors.js';
import type { Job } from '../job.js';
import { callOptions, linkedSignal, pause, type RunnerCore } from './runner-core.js';
import { ExecutionEndedError } from './runner-errors.js';
import type { StoredStatus } from './status-store.js';
import { verdictOf } from './update-verdict.js';

/** Final statuses on their way to the service. */
export class Outbox {
  private readonly deliveries = new Map<string, Promise<void>>();
  private readonly stopper = new AbortController();
  private nudge = new AbortController();
  private holding = false;

  /** @param core - the runner. @param onSettled - told when a delivery ends (its job no longer blocks the queue). */
  constructor(
    private readonly core: RunnerCore,
    private readonly onSettled: () => void,
  ) {}

  /** True while a final status of this job waits for the service. */
  has(jobId: string): boolean {
    return this.deliveries.has(jobId);
  }

  /** How many final statuses wait. */
  get size(): number {
    return this.deliveries.size;
  }

  /** Stores the final status (before anything is sent), then delivers it in the background. */
  async finish(status: StoredStatus, job: Job): Promise<void> {
    // Stored even while the runner stops: the next runner sends it.
    try {
      await this.core.settings.store.put(status);
    } catch (error) {
      // Not durable, but still worth sending now.
      this.core.emit('error', { jobId: status.jobId, error: new JobsError(`storing the final status of ${status.jobId} failed`, { cause: error }) });
    }
    if (this.holding || this.stopper.signal.aborted) return;
    this.deliver(status, job, false);
  }

  /** Delivers what the store holds for the thing (on start and after every reconnect); entries already on their way are left to their delivery. */
  async restore(): Promise<void> {
    let stored: StoredStatus[];
    try {
      stored = await this.core.settings.store.list(this.core.thingName);
    } catch (error) {
      this.core.emit('error', { error: new JobsError(`reading the status store failed`, { cause: error }) });
      return;
    }
    for (const status of stored) {
      if (this.holding || this.stopper.signal.aborted) return;
      if (this.deliveries.has(status.jobId)) continue;
      const job = this.core.jobs.job(status.jobId);
      this.deliver(status, job, true);
    }
  }

  /** The connection is back: every delivery waiting for its next try tries now. */
  wake(): void {
    const nudge = this.nudge;
    this.nudge = new AbortController();
    nudge.abort();
  }

  /** From now on, statuses handed over are stored but not sent (the runner is stopping). */
  hold(): void {
    this.holding = true;
  }

  /** Stops every delivery; what is stored stays stored, for the next runner. */
  async stop(): Promise<void> {
    this.stopper.abort();
    this.nudge.abort();
    await Promise.all([...this.deliveries.values()]);
  }

  private deliver(status: StoredStatus, job: Job, fromStore: boolean): void {
    const delivery = this.deliveryLoop(status, job, fromStore)
      .catch((error: unknown) => {
        this.core.emit('error', { jobId: status.jobId, error: error instanceof JobsError ? error : new JobsError(String(error), { cause: error }) });
      })
      .finally(() => {
        if (this.deliveries.get(status.jobId) === delivery) this.deliveries.delete(status.jobId);
        this.onSettled();
      });
    this.deliveries.set(status.jobId, delivery);
  }

  private async deliveryLoop(status: StoredStatus, job: Job, fromStore: boolean): Promise<void> {
    const { settings } = this.core;
    let delayMs = settings.retryDelayMs;
    let quickRetries = 0;
    while (!this.stopper.signal.aborted) {
      const ok = await job.update(status.status, status.statusDetails, { ...callOptions(settings, this.stopper.signal), retries: 0 });
      if (this.stopper.signal.aborted) return;
      const verdict = ok ? undefined : verdictOf(job.error, job.status);
      if (ok || (verdict?.kind === 'ended' && verdict.status === status.status)) {
        // Accepted, or the service already holds this very status (an earlier send whose reply was lost).
        await this.forget(status);
        this.core.emit('finished', { jobId: status.jobId, status: status.status, statusDetails: status.statusDetails, fromStore });
        return;
      }
      if (verdict?.kind === 'ended') {
        await this.forget(status);
        this.core.emit('canceled', { jobId: status.jobId, reason: new ExecutionEndedError(status.jobId, verdict.status), dropped: status.status });
        return;
      }
      if (verdict?.kind === 'refused') {
        await this.forget(status);
        this.core.emit('error', { jobId: status.jobId, error: new JobsError(`the service refused the final status of ${status.jobId}; it is dropped`, { cause: job.error }) });
        return;
      }
      if (verdict?.kind === 'retry-now' && quickRetries++ < 3) continue;
      if (job.error !== undefined) this.core.emit('error', { jobId: status.jobId, error: job.error });
      const linked = linkedSignal(this.stopper.signal, this.nudge.signal);
      await pause(delayMs, linked.signal);
      linked.release();
      delayMs = Math.min(delayMs * 2, settings.maxRetryDelayMs);
      quickRetries = 0;
    }
  }

  private async forget(status: StoredStatus): Promise<void> {
    try {
      await this.core.settings.store.delete(status.thingName, status.jobId);
    } catch (error) {
      this.core.emit('error', { jobId: status.jobId, error: new JobsError(`removing the delivered status of ${status.jobId} from the store failed`, { cause: error }) });
    }
  }
}

/**
 * The state machine shared by the device planes and the control plane:
 * execution transitions, timers, job completion (docs/protocol.md §7, docs/protocol.md §8).
 * @packageDocumentation
 */

import type { Emitter } from 'mitt';
import type { JobExecutionStatus } from '../../protocol/shapes.js';
import type { SimulatorBehavior } from './behavior.js';
import type { SimulatorClock } from './clock.js';
import type { SimulatorEvents } from './events.js';
import { isPending, type ExecutionRecord, type JobRecord } from './model.js';
import { Notifier } from './notifier.js';
import { SimulatorStore } from './store.js';
import { ExecutionTimers } from './timers.js';

const MS_PER_MINUTE = 60_000;

/** Everything the planes share. */
export class SimulatorCore {
  /** Things and jobs. */
  readonly store: SimulatorStore;
  /** Decides and emits notifications. */
  readonly notifier: Notifier;
  /** Execution timeout timers. */
  readonly timers: ExecutionTimers;

  /** @param clock - time source. @param behavior - docs/protocol.md §14 switches. @param events - notification sink. */
  constructor(
    readonly clock: SimulatorClock,
    readonly behavior: SimulatorBehavior,
    readonly events: Emitter<SimulatorEvents>,
    region: string,
    accountId: string,
  ) {
    this.store = new SimulatorStore(region, accountId);
    this.notifier = new Notifier(this.store, clock, behavior, events);
    this.timers = new ExecutionTimers(clock, (execution) => this.expire(execution));
  }

  private readonly deferred = new Set<unknown>();

  /** Runs `fn` after `ms` on the simulator clock; {@link SimulatorCore.cancelDeferred} cancels it. */
  later(fn: () => void, ms: number): void {
    const handle = this.clock.setTimeout(() => {
      this.deferred.delete(handle);
      fn();
    }, ms);
    this.deferred.add(handle);
  }

  /** Cancels every timer: execution timeouts and deferred work. */
  cancelAllTimers(): void {
    this.timers.clearAll();
    for (const handle of this.deferred) this.clock.clearTimeout(handle);
    this.deferred.clear();
  }

  /** QUEUED → IN_PROGRESS: sets startedAt and starts the job's in-progress timer. */
  start(execution: ExecutionRecord, nowMs: number): void {
    execution.status = 'IN_PROGRESS';
    execution.startedAtMs = nowMs;
    const minutes = execution.job.inProgressTimeoutInMinutes;
    execution.inProgressDeadlineMs = minutes === undefined ? undefined : nowMs + minutes * MS_PER_MINUTE;
  }

  /**
   * Sets (minutes > 0) or cancels (-1) the step timer. A new step deadline
   * never passes the in-progress deadline (docs/protocol.md §7.6).
   */
  setStepTimer(execution: ExecutionRecord, minutes: number, nowMs: number): void {
    if (minutes < 0) {
      execution.stepDeadlineMs = undefined;
      return;
    }
    const deadline = nowMs + minutes * MS_PER_MINUTE;
    execution.stepDeadlineMs = execution.inProgressDeadlineMs === undefined ? deadline : Math.min(deadline, execution.inProgressDeadlineMs);
  }

  /** Moves a pending execution to a terminal status; ends its timers; completes the job if it was the last. */
  end(execution: ExecutionRecord, status: JobExecutionStatus, nowMs: number, byService: boolean): void {
    execution.status = status;
    this.store.settled(execution);
    execution.lastUpdatedAtMs = nowMs;
    execution.inProgressDeadlineMs = undefined;
    execution.stepDeadlineMs = undefined;
    if (byService && this.behavior.serviceTransitionsBumpVersion) execution.versionNumber += 1;
    this.timers.clear(execution);
    this.maybeComplete(execution.job, nowMs);
  }

  /** A SNAPSHOT job in progress completes when every execution is terminal (docs/protocol.md §8). O(1). */
  maybeComplete(job: JobRecord, nowMs: number): void {
    if (job.status !== 'IN_PROGRESS' || job.targetSelection !== 'SNAPSHOT') return;
    if (this.store.pendingCount(job) > 0) return;
    job.status = 'COMPLETED';
    job.completedAtMs = nowMs;
    job.lastUpdatedAtMs = nowMs;
  }

  private expire(execution: ExecutionRecord): void {
    if (!isPending(execution.status) || execution.job.status === 'DELETION_IN_PROGRESS') return;
    this.notifier.track([execution.thingName], () => this.end(execution, 'TIMED_OUT', this.clock.now(), true));
  }
}

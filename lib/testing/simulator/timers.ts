/**
 * Execution timers (docs/protocol.md §7.6): one clock timer per execution, set for the
 * earliest of its step deadline and its in-progress deadline.
 * @packageDocumentation
 */

import type { SimulatorClock } from './clock.js';
import { deadlineOf, type ExecutionRecord } from './model.js';

/** Keeps each execution's single timeout timer in step with its deadlines. */
export class ExecutionTimers {
  private readonly armed = new Set<ExecutionRecord>();

  /** @param clock - where timers run. @param onExpire - called when an execution's deadline passes. */
  constructor(
    private readonly clock: SimulatorClock,
    private readonly onExpire: (execution: ExecutionRecord) => void,
  ) {}

  /** (Re)arms the execution's timer for its current deadline, or disarms it when there is none. */
  schedule(execution: ExecutionRecord): void {
    this.clear(execution);
    const deadline = deadlineOf(execution);
    if (deadline === undefined) return;
    execution.timerHandle = this.clock.setTimeout(() => {
      execution.timerHandle = undefined;
      this.armed.delete(execution);
      this.onExpire(execution);
    }, Math.max(0, deadline - this.clock.now()));
    this.armed.add(execution);
  }

  /** Disarms the execution's timer. */
  clear(execution: ExecutionRecord): void {
    if (execution.timerHandle !== undefined) this.clock.clearTimeout(execution.timerHandle);
    execution.timerHandle = undefined;
    this.armed.delete(execution);
  }

  /** Disarms every timer. */
  clearAll(): void {
    for (const execution of [...this.armed]) this.clear(execution);
  }
}

/**
 * Decides the notifications (docs/protocol.md §6): `notify` only when a
 * thing's pending set gained or lost a member, `notify-next` only when the
 * identity of its next execution changed.
 *
 * A new execution is decided directly ({@link Notifier.added}): it always
 * joins the pending set, and it changed the head exactly when it is the new
 * head. Other changes run inside {@link Notifier.track}, which compares each
 * affected thing's pending executions before and after. Both cost
 * O(that thing's pending executions).
 * @packageDocumentation
 */

import type { Emitter } from 'mitt';
import type { JobExecutionSummary } from '../../protocol/shapes.js';
import type { SimulatorBehavior } from './behavior.js';
import { toDeviceSeconds, type SimulatorClock } from './clock.js';
import type { SimulatorEvents } from './events.js';
import type { ExecutionRecord } from './model.js';
import { deviceExecution, executionSummary } from './shapes.js';
import type { SimulatorStore } from './store.js';

/** Emits notifications for the changes made inside {@link Notifier.track}. */
export class Notifier {
  /** @param store - the state. @param clock - time source. @param behavior - switches. @param events - where to emit. */
  constructor(
    private readonly store: SimulatorStore,
    private readonly clock: SimulatorClock,
    private readonly behavior: SimulatorBehavior,
    private readonly events: Emitter<SimulatorEvents>,
  ) {}

  /** Runs `change`, then emits the notifications it caused for `thingNames`. */
  track<T>(thingNames: Iterable<string>, change: () => T): T {
    const before = new Map<string, ExecutionRecord[]>();
    for (const thingName of thingNames) before.set(thingName, this.store.pending(thingName));
    try {
      return change();
    } finally {
      for (const [thingName, pending] of before) this.compare(thingName, pending);
    }
  }

  /** Emits what adding `execution` (already in the store, pending) caused: `notify`, and `notify-next` if it is the new head. */
  added(execution: ExecutionRecord): void {
    const pending = this.store.pending(execution.thingName);
    if (!pending.includes(execution)) return;
    this.emitNotify(execution.thingName, pending);
    if (pending[0] === execution) this.emitNotifyNext(execution.thingName, execution);
  }

  private compare(thingName: string, before: ExecutionRecord[]): void {
    const after = this.store.pending(thingName);
    if (after.length !== before.length || !sameMembers(before, after)) this.emitNotify(thingName, after);
    if (after[0] !== before[0]) this.emitNotifyNext(thingName, after[0]);
  }

  private emitNotify(thingName: string, pending: readonly ExecutionRecord[]): void {
    const jobs: { IN_PROGRESS?: JobExecutionSummary[]; QUEUED?: JobExecutionSummary[] } = {};
    const listed = Math.min(pending.length, this.behavior.maxPendingListed);
    for (let i = 0; i < listed; i += 1) {
      const execution = pending[i] as ExecutionRecord;
      const key = execution.status === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'QUEUED';
      (jobs[key] ??= []).push(executionSummary(execution));
    }
    this.events.emit('notify', { thingName, payload: { timestamp: toDeviceSeconds(this.clock.now()), jobs } });
  }

  private emitNotifyNext(thingName: string, next: ExecutionRecord | undefined): void {
    const nowMs = this.clock.now();
    if (!next) {
      this.events.emit('notify-next', { thingName, payload: { timestamp: toDeviceSeconds(nowMs) } });
      return;
    }
    const execution = deviceExecution(next, {
      protocol: 'mqtt',
      includeJobDocument: false,
      includeThingName: this.behavior.includeThingNameInExecution,
      nowMs,
    });
    // The document is frozen at CreateJob: shared by every notification, never cloned.
    execution.jobDocument = next.job.parsedDocument;
    this.events.emit('notify-next', { thingName, payload: { timestamp: toDeviceSeconds(nowMs), execution } });
  }
}

/** Whether two lists of the same length hold the same executions. */
function sameMembers(a: readonly ExecutionRecord[], b: readonly ExecutionRecord[]): boolean {
  if (a.length <= 8) return a.every((execution) => b.includes(execution));
  const members = new Set(a);
  return b.every((execution) => members.has(execution));
}

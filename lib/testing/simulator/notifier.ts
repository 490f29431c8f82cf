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
 *
 * A decision goes to two audiences: the MQTT fronts ({@link Notifier.addSink})
 * get the kind and the thing only, and render the payload from the thing's
 * state when they hand it to the broker (a fan-out to 100,000 things queues
 * two references per thing, not two JSON strings); the listeners of the
 * simulator's events, if any, get the payload built at once.
 * @packageDocumentation
 */

import type { Emitter } from 'mitt';
import type { JobExecutionsChangedNotification, JobExecutionSummary } from '../../protocol/shapes.js';
import type { SimulatorBehavior } from './behavior.js';
import { toDeviceSeconds, type SimulatorClock } from './clock.js';
import type { SimulatorEvents } from './events.js';
import type { NextNotificationPayload } from './events.js';
import type { ExecutionRecord } from './model.js';
import { deviceExecution, executionSummary } from './shapes.js';
import type { SimulatorStore } from './store.js';

/** The two notifications (docs/protocol.md §6). */
export type NotificationKind = 'notify' | 'notify-next';

/** Receives each notification decided for a thing. Must not throw. */
export type NotificationSink = (kind: NotificationKind, thingName: string) => void;

/** Emits notifications for the changes made inside {@link Notifier.track}. */
export class Notifier {
  private readonly sinks = new Set<NotificationSink>();

  /** @param store - the state. @param clock - time source. @param behavior - switches. @param events - where to emit. */
  constructor(
    private readonly store: SimulatorStore,
    private readonly clock: SimulatorClock,
    private readonly behavior: SimulatorBehavior,
    private readonly events: Emitter<SimulatorEvents>,
  ) {}

  /** Adds a receiver of every decision; returns the function that removes it. */
  addSink(sink: NotificationSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** The `notify` payload of the thing's current state. */
  notifyPayload(thingName: string, pending: readonly ExecutionRecord[] = this.store.pending(thingName)): JobExecutionsChangedNotification {
    const jobs: { IN_PROGRESS?: JobExecutionSummary[]; QUEUED?: JobExecutionSummary[] } = {};
    const listed = Math.min(pending.length, this.behavior.maxPendingListed);
    for (let i = 0; i < listed; i += 1) {
      const execution = pending[i] as ExecutionRecord;
      const key = execution.status === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'QUEUED';
      (jobs[key] ??= []).push(executionSummary(execution));
    }
    return { timestamp: toDeviceSeconds(this.clock.now()), jobs };
  }

  /** The `notify-next` payload of the thing's current state; the job document is shared (frozen at CreateJob), never cloned. */
  nextPayload(thingName: string, next: ExecutionRecord | undefined = this.store.next(thingName)): NextNotificationPayload {
    const nowMs = this.clock.now();
    if (!next) return { timestamp: toDeviceSeconds(nowMs) };
    const execution = deviceExecution(next, {
      protocol: 'mqtt',
      includeJobDocument: false,
      includeThingName: this.behavior.includeThingNameInExecution,
      nowMs,
    });
    // The document is frozen at CreateJob and shared, never cloned; one with presigned URLs is rendered per delivery.
    execution.jobDocument = next.job.renderDocument ? next.job.renderDocument('mqtt') : next.job.parsedDocument;
    return { timestamp: toDeviceSeconds(nowMs), execution };
  }

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
    for (const sink of this.sinks) sink('notify', thingName);
    if (this.listened('notify')) this.events.emit('notify', { thingName, payload: this.notifyPayload(thingName, pending) });
  }

  private emitNotifyNext(thingName: string, next: ExecutionRecord | undefined): void {
    for (const sink of this.sinks) sink('notify-next', thingName);
    if (this.listened('notify-next')) this.events.emit('notify-next', { thingName, payload: this.nextPayload(thingName, next) });
  }

  private listened(type: keyof SimulatorEvents): boolean {
    return (this.events.all.get(type)?.length ?? 0) > 0 || (this.events.all.get('*')?.length ?? 0) > 0;
  }
}

/** Whether two lists of the same length hold the same executions. */
function sameMembers(a: readonly ExecutionRecord[], b: readonly ExecutionRecord[]): boolean {
  if (a.length <= 8) return a.every((execution) => b.includes(execution));
  const members = new Set(a);
  return b.every((execution) => members.has(execution));
}

/**
 * Decides the notifications (docs/protocol.md §6): it snapshots each affected thing's
 * pending set and head before a change, compares after, and emits `notify`
 * only when the set gained or lost a member and `notify-next` only when the
 * head's identity changed.
 * @packageDocumentation
 */

import type { Emitter } from 'mitt';
import type { JobExecutionSummary } from '../../protocol/shapes.js';
import type { SimulatorBehavior } from './behavior.js';
import { toDeviceSeconds, type SimulatorClock } from './clock.js';
import { deviceExecution, executionSummary } from './shapes.js';
import type { SimulatorEvents } from './events.js';
import type { SimulatorStore } from './store.js';

interface Snapshot {
  members: Set<number>;
  head: number | undefined;
}

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
    const before = new Map<string, Snapshot>();
    for (const thingName of thingNames) before.set(thingName, this.snapshot(thingName));
    try {
      return change();
    } finally {
      for (const [thingName, snapshot] of before) this.compare(thingName, snapshot);
    }
  }

  private snapshot(thingName: string): Snapshot {
    const pending = this.store.pending(thingName);
    return { members: new Set(pending.map((execution) => execution.seq)), head: pending[0]?.seq };
  }

  private compare(thingName: string, before: Snapshot): void {
    const after = this.snapshot(thingName);
    const changed = after.members.size !== before.members.size || [...after.members].some((seq) => !before.members.has(seq));
    if (changed) this.emitNotify(thingName);
    if (after.head !== before.head) this.emitNotifyNext(thingName);
  }

  private emitNotify(thingName: string): void {
    const jobs: { IN_PROGRESS?: JobExecutionSummary[]; QUEUED?: JobExecutionSummary[] } = {};
    for (const execution of this.store.pending(thingName).slice(0, this.behavior.maxPendingListed)) {
      const key = execution.status === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'QUEUED';
      (jobs[key] ??= []).push(executionSummary(execution));
    }
    this.events.emit('notify', { thingName, payload: { timestamp: toDeviceSeconds(this.clock.now()), jobs } });
  }

  private emitNotifyNext(thingName: string): void {
    const nowMs = this.clock.now();
    const next = this.store.next(thingName);
    const payload = next
      ? {
          timestamp: toDeviceSeconds(nowMs),
          execution: deviceExecution(next, {
            protocol: 'mqtt',
            includeJobDocument: true,
            includeThingName: this.behavior.includeThingNameInExecution,
            nowMs,
          }),
        }
      : { timestamp: toDeviceSeconds(nowMs) };
    this.events.emit('notify-next', { thingName, payload });
  }
}

/**
 * CONTINUOUS jobs (docs/protocol.md §7.2, docs/protocol.md §8): a thing that becomes a target
 * (added to a target group, or named by AssociateTargetsWithJob) gets an
 * execution; one that stops being a target while its execution is QUEUED
 * has that execution REMOVED. SNAPSHOT jobs keep the targets they had at
 * creation.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import type { JobRecord } from './model.js';
import { queueExecution } from './queue-execution.js';
import { isTargetOf } from './targets.js';

/** Brings one thing's execution of a CONTINUOUS job in progress in line with its membership now, with notifications. */
export function reconcileContinuous(core: SimulatorCore, job: JobRecord, thingName: string, nowMs: number): void {
  if (job.targetSelection !== 'CONTINUOUS' || job.status !== 'IN_PROGRESS') return;
  const current = job.executions.get(thingName);
  const target = core.store.things.has(thingName) && isTargetOf(core, job, thingName);
  if (target) {
    if (current && current.status !== 'REMOVED') return;
    core.notifier.added(queueExecution(core, job, thingName, nowMs, current, false));
  } else if (current?.status === 'QUEUED') {
    core.notifier.track([thingName], () => core.end(current, 'REMOVED', nowMs, true));
  }
}

/** After `thingName` joined or left a group: every CONTINUOUS job in progress reconsiders it. O(jobs). */
export function membershipChanged(core: SimulatorCore, thingName: string, nowMs: number): void {
  for (const job of [...core.store.jobs.values()]) reconcileContinuous(core, job, thingName, nowMs);
}

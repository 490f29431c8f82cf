/**
 * Giving a thing an execution of a job: the first one when the job's rollout
 * reaches the thing, or the next one when a failed execution is retried
 * (docs/protocol.md §7.4: `executionNumber` + 1).
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import type { ExecutionRecord, JobRecord } from './model.js';

/**
 * Queues a new execution of `job` on `thingName`. With `previous` the new one
 * has the next `executionNumber` (and, for a `retry`, the next `retryAttempt`), and
 * `previous` stays describable by its number. Call it inside
 * `core.notifier.track`, or follow it with `core.notifier.added`, so the
 * notifications follow.
 */
export function queueExecution(
  core: SimulatorCore,
  job: JobRecord,
  thingName: string,
  nowMs: number,
  previous?: ExecutionRecord,
  retry = previous !== undefined,
): ExecutionRecord {
  const execution: ExecutionRecord = {
    job,
    thingName,
    executionNumber: previous === undefined ? 1 : previous.executionNumber + 1,
    retryAttempt: previous !== undefined && retry ? previous.retryAttempt + 1 : 0,
    seq: core.store.nextSeq(),
    status: 'QUEUED',
    statusDetails: {},
    queuedAtMs: nowMs,
    startedAtMs: undefined,
    lastUpdatedAtMs: nowMs,
    versionNumber: 1,
    forceCanceled: undefined,
    inProgressDeadlineMs: undefined,
    stepDeadlineMs: undefined,
    timerHandle: undefined,
  };
  if (previous !== undefined) {
    const earlier = job.previousExecutions.get(thingName) ?? [];
    earlier.push(previous);
    job.previousExecutions.set(thingName, earlier);
  }
  core.store.addExecution(execution);
  return execution;
}

/**
 * Queues an execution for every target not yet given one (all of them at
 * once: rollout rates are not modeled), with their notifications, then
 * completes a SNAPSHOT job that ended up with nothing pending. Things deleted
 * since the job was created are skipped.
 */
export function releaseTargets(core: SimulatorCore, job: JobRecord, nowMs: number): void {
  for (const thingName of job.unreleasedTargets.splice(0)) {
    if (!core.store.things.has(thingName)) continue;
    core.notifier.added(queueExecution(core, job, thingName, nowMs));
  }
  core.maybeComplete(job, nowMs);
}

/**
 * The execution of `job` on `thingName` with number `executionNumber`: the
 * current one, or an earlier one that was retried. Without a number, the
 * current one (docs/protocol.md §4.3: "the latest execution").
 */
export function executionByNumber(job: JobRecord, thingName: string, executionNumber: number | undefined): ExecutionRecord | undefined {
  const current = job.executions.get(thingName);
  if (executionNumber === undefined || current === undefined || current.executionNumber === executionNumber) return current;
  return job.previousExecutions.get(thingName)?.find((execution) => execution.executionNumber === executionNumber);
}

/**
 * Retries (docs/protocol.md §7.2, docs/protocol.md §9): when an execution of a job with
 * `jobExecutionsRetryConfig` ends FAILED or TIMED_OUT and the criterion for
 * that failure type has retries left, a new execution of the same job is
 * queued for the thing at once, with `executionNumber` + 1 and
 * `retryAttempt` + 1. The ended one stays describable by its number.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import type { RetryFailureType } from './job-config.js';
import type { ExecutionRecord } from './model.js';
import { queueExecution } from './queue-execution.js';

function counts(criterion: RetryFailureType, status: string): boolean {
  return criterion === 'ALL' ? status === 'FAILED' || status === 'TIMED_OUT' : status === criterion;
}

/** Queues the retry of `execution` if its job's retry config allows one. Runs inside the change's notifier tracking. */
export function retryIfAllowed(core: SimulatorCore, execution: ExecutionRecord, nowMs: number): void {
  const { job, thingName, status } = execution;
  if (status !== 'FAILED' && status !== 'TIMED_OUT') return;
  const config = job.config.jobExecutionsRetryConfig;
  if (!config || job.status !== 'IN_PROGRESS' || job.executions.get(thingName) !== execution || !core.store.things.has(thingName)) return;
  const criterion = config.criteriaList.find((entry) => entry.failureType === status) ?? config.criteriaList.find((entry) => entry.failureType === 'ALL');
  if (!criterion) return;
  const used = (job.previousExecutions.get(thingName) ?? []).filter((earlier) => counts(criterion.failureType, earlier.status)).length;
  if (used >= criterion.numberOfRetries) return;
  queueExecution(core, job, thingName, nowMs, execution);
}

/**
 * Canceling a job (docs/protocol.md §8), shared by CancelJob, a schedule's end
 * behavior and abort criteria: the job becomes CANCELED, its QUEUED executions
 * CANCELED, its IN_PROGRESS ones too only with `force`, and no target is
 * released any more.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import type { JobRecord } from './model.js';

/** How a job is canceled. */
export interface CancelOptions {
  /** Also cancel IN_PROGRESS executions. */
  force: boolean;
  /** Recorded on the job when given. */
  reasonCode?: string | undefined;
  /** Recorded on the job when given. */
  comment?: string | undefined;
}

/** Cancels `job` with its notifications. The caller checks that the job may be canceled. */
export function cancelJobRecord(core: SimulatorCore, job: JobRecord, options: CancelOptions, nowMs: number): void {
  core.notifier.track(job.executions.keys(), () => {
    if (job.status !== 'CANCELED') {
      job.status = 'CANCELED';
      job.lastUpdatedAtMs = nowMs;
    }
    job.unreleasedTargets.length = 0;
    if (options.force) job.forceCanceled = true;
    if (options.reasonCode !== undefined) job.reasonCode = options.reasonCode;
    if (options.comment !== undefined) job.comment = options.comment;
    for (const execution of job.executions.values()) {
      if (execution.status === 'QUEUED' || (options.force && execution.status === 'IN_PROGRESS')) {
        if (execution.status === 'IN_PROGRESS') execution.forceCanceled = true;
        core.end(execution, 'CANCELED', nowMs, true);
      }
    }
  });
}

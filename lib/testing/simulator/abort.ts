/**
 * Abort criteria (docs/protocol.md §8, docs/protocol.md §9): after each execution ends, each
 * criterion of the job's `abortConfig` compares the share of ended executions
 * that failed in its way with `thresholdPercentage`, once at least
 * `minNumberOfExecutedThings` have ended; when one is met the job is canceled
 * (QUEUED executions only, as AWS documents) with {@link ABORT_REASON_CODE}.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import { cancelJobRecord } from './job-cancel.js';
import type { AbortFailureType } from './job-config.js';
import type { ExecutionRecord } from './model.js';

/** The reasonCode the simulator records on a job its abort criteria canceled (AWS does not document its value). */
export const ABORT_REASON_CODE = 'ABORT_CRITERIA_MET';

const EXECUTED = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT']);

function failed(type: AbortFailureType, status: string): boolean {
  return type === 'ALL' ? status === 'FAILED' || status === 'REJECTED' || status === 'TIMED_OUT' : status === type;
}

/** Cancels the job of `execution` if one of its abort criteria is met. */
export function abortIfCriteriaMet(core: SimulatorCore, execution: ExecutionRecord, nowMs: number): void {
  const { job } = execution;
  const config = job.config.abortConfig;
  if (!config || job.status !== 'IN_PROGRESS') return;
  const ended = [...job.executions.values()].filter((candidate) => EXECUTED.has(candidate.status));
  for (const criterion of config.criteriaList) {
    if (ended.length < criterion.minNumberOfExecutedThings) continue;
    const failures = ended.filter((candidate) => failed(criterion.failureType, candidate.status)).length;
    if ((failures * 100) / ended.length < criterion.thresholdPercentage) continue;
    cancelJobRecord(
      core,
      job,
      {
        force: false,
        reasonCode: ABORT_REASON_CODE,
        comment: `Canceled by abortConfig: ${failures} of ${ended.length} executed things ended ${criterion.failureType === 'ALL' ? 'FAILED, REJECTED or TIMED_OUT' : criterion.failureType} (threshold ${criterion.thresholdPercentage}%).`,
      },
      nowMs,
    );
    return;
  }
}

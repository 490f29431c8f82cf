/**
 * The simulator's records: things, jobs and job executions. Times are kept in
 * epoch milliseconds and converted to each plane's unit at the edge.
 * @packageDocumentation
 */

import type { JobExecutionStatus } from '../../protocol/shapes.js';
import type { JsonObject } from '../../protocol/json.js';

/** A job's status (docs/protocol.md §8; SCHEDULED is not simulated). */
export type JobStatus = 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED' | 'DELETION_IN_PROGRESS';

/** Every job status the control plane accepts as a filter. */
export const JOB_STATUSES = ['IN_PROGRESS', 'CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS', 'SCHEDULED'] as const;

/** How a job picks its targets. */
export type TargetSelection = 'SNAPSHOT' | 'CONTINUOUS';

/** A registered thing. */
export interface ThingRecord {
  readonly thingName: string;
  readonly thingArn: string;
  readonly thingId: string;
  readonly thingTypeName: string | undefined;
  attributes: Record<string, string>;
  version: number;
}

/** A job and its executions. */
export interface JobRecord {
  readonly jobId: string;
  readonly jobArn: string;
  /** The document as the caller gave it (JSON text). */
  readonly document: string;
  /** The same document parsed: what MQTT delivers. */
  readonly parsedDocument: JsonObject;
  readonly description: string | undefined;
  readonly targetSelection: TargetSelection;
  /** Target ARNs, as DescribeJob returns them. */
  readonly targets: string[];
  readonly inProgressTimeoutInMinutes: number | undefined;
  status: JobStatus;
  forceCanceled: boolean | undefined;
  reasonCode: string | undefined;
  comment: string | undefined;
  readonly createdAtMs: number;
  lastUpdatedAtMs: number;
  completedAtMs: number | undefined;
  /** One execution per target thing, by thing name (add with `SimulatorStore.addExecution`). */
  readonly executions: ReadonlyMap<string, ExecutionRecord>;
}

/** One execution of a job on a thing. */
export interface ExecutionRecord {
  readonly job: JobRecord;
  readonly thingName: string;
  readonly executionNumber: number;
  /** Creation sequence: the stable tiebreak of the "next" order. */
  readonly seq: number;
  status: JobExecutionStatus;
  statusDetails: Record<string, string>;
  readonly queuedAtMs: number;
  startedAtMs: number | undefined;
  lastUpdatedAtMs: number;
  versionNumber: number;
  forceCanceled: boolean | undefined;
  /** Absolute deadline of the job's in-progress timer, set when the execution starts. */
  inProgressDeadlineMs: number | undefined;
  /** Absolute deadline of the step timer (already capped by the in-progress deadline). */
  stepDeadlineMs: number | undefined;
  /** The clock handle of the one timer that fires at the earliest deadline. */
  timerHandle: unknown;
}

/** The statuses that keep an execution pending. */
export function isPending(status: JobExecutionStatus): boolean {
  return status === 'QUEUED' || status === 'IN_PROGRESS';
}

/** The deadline at which the execution times out, if a timer runs. */
export function deadlineOf(execution: ExecutionRecord): number | undefined {
  if (!isPending(execution.status)) return undefined;
  return execution.stepDeadlineMs ?? execution.inProgressDeadlineMs;
}

/**
 * Builds the wire shapes of the simulator's records: the device planes'
 * (integer seconds, docs/protocol.md §4) and the control plane's (fractional seconds,
 * docs/protocol.md §11).
 * @packageDocumentation
 */

import type { JobExecution, JobExecutionState, JobExecutionStatus, JobExecutionSummary, StatusDetails } from '../../protocol/shapes.js';
import type { JsonObject } from '../../protocol/json.js';
import { toControlSeconds, toDeviceSeconds } from './clock.js';
import type { AbortConfig, PresignedUrlConfig, RetryConfig, RolloutConfig, SchedulingConfig } from './job-config.js';
import { deadlineOf, type ExecutionRecord, type JobRecord, type JobStatus, type TargetSelection } from './model.js';

/** Which device plane a reply is for: the job document is an object over MQTT, a string over HTTP. */
export type DeviceProtocol = 'mqtt' | 'http';

/** A job execution as the device planes send it (`jobDocument` is a string over HTTP). */
export type DeviceJobExecution = Omit<JobExecution, 'jobDocument'> & {
  /** The job document: a JSON object over MQTT, its JSON text over HTTP; present when requested. */
  jobDocument?: JsonObject | string;
};

/** Options of {@link deviceExecution}. */
export interface DeviceExecutionOptions {
  protocol: DeviceProtocol;
  includeJobDocument: boolean;
  includeThingName: boolean;
  nowMs: number;
}

/** Seconds left before the execution times out (rounded up), if a timer runs. */
export function secondsBeforeTimedOut(execution: ExecutionRecord, nowMs: number): number | undefined {
  const deadline = deadlineOf(execution);
  return deadline === undefined ? undefined : Math.max(0, Math.ceil((deadline - nowMs) / 1000));
}

/** The device-plane JobExecution (docs/protocol.md §4). */
export function deviceExecution(execution: ExecutionRecord, options: DeviceExecutionOptions): DeviceJobExecution {
  // Built in the field order of AWS's live captures (docs/protocol.md §4).
  const out: DeviceJobExecution = {
    jobId: execution.job.jobId,
    ...(options.includeThingName ? { thingName: execution.thingName } : {}),
    status: execution.status,
    queuedAt: toDeviceSeconds(execution.queuedAtMs),
    ...(execution.startedAtMs === undefined ? {} : { startedAt: toDeviceSeconds(execution.startedAtMs) }),
    lastUpdatedAt: toDeviceSeconds(execution.lastUpdatedAtMs),
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
  };
  if (Object.keys(execution.statusDetails).length > 0) out.statusDetails = { ...execution.statusDetails };
  const remaining = secondsBeforeTimedOut(execution, options.nowMs);
  if (remaining !== undefined) out.approximateSecondsBeforeTimedOut = remaining;
  if (options.includeJobDocument) out.jobDocument = jobDocumentFor(execution.job, options.protocol);
  return out;
}

/** The job document in the protocol's form: a parsed object over MQTT, the text over HTTP. */
export function jobDocumentFor(job: JobRecord, protocol: DeviceProtocol): JsonObject | string {
  if (job.renderDocument) return job.renderDocument(protocol);
  return protocol === 'mqtt' ? structuredClone(job.parsedDocument) : job.document;
}

/** The summary listed by GetPending and `notify` (no status: the list implies it). */
export function executionSummary(execution: ExecutionRecord): JobExecutionSummary {
  const out: JobExecutionSummary = {
    jobId: execution.job.jobId,
    queuedAt: toDeviceSeconds(execution.queuedAtMs),
    lastUpdatedAt: toDeviceSeconds(execution.lastUpdatedAtMs),
    executionNumber: execution.executionNumber,
    versionNumber: execution.versionNumber,
  };
  if (execution.startedAtMs !== undefined) out.startedAt = toDeviceSeconds(execution.startedAtMs);
  return out;
}

/** The JobExecutionState of update replies and of VersionMismatch / InvalidStateTransition rejections. */
export function executionState(execution: ExecutionRecord): JobExecutionState {
  const out: JobExecutionState = { status: execution.status, versionNumber: execution.versionNumber };
  if (Object.keys(execution.statusDetails).length > 0) out.statusDetails = { ...execution.statusDetails };
  return out;
}

// ------------------------------------------------------------ control plane

/** `jobProcessDetails` of DescribeJob. */
export interface JobProcessDetails {
  /** How many of the job's executions are CANCELED. */
  numberOfCanceledThings: number;
  /** How many of the job's executions are SUCCEEDED. */
  numberOfSucceededThings: number;
  /** How many of the job's executions are FAILED. */
  numberOfFailedThings: number;
  /** How many of the job's executions are REJECTED. */
  numberOfRejectedThings: number;
  /** How many of the job's executions are QUEUED. */
  numberOfQueuedThings: number;
  /** How many of the job's executions are IN_PROGRESS. */
  numberOfInProgressThings: number;
  /** How many of the job's executions are REMOVED. */
  numberOfRemovedThings: number;
  /** How many of the job's executions are TIMED_OUT. */
  numberOfTimedOutThings: number;
  /** The targets still being rolled out to; present only during a rate-limited rollout. */
  processingTargets?: string[];
}

/** The `job` of DescribeJob (the members the simulator models). */
export interface JobDescription {
  /** The job's ARN. */
  jobArn: string;
  /** The job's id. */
  jobId: string;
  /** How the job picks its targets, as CreateJob set it (SNAPSHOT by default). */
  targetSelection: TargetSelection;
  /** The job's status. */
  status: JobStatus;
  /** Whether the job was canceled with `force`; present only after such a cancel. */
  forceCanceled?: boolean;
  /** The reason code given to CancelJob; present only if one was given. */
  reasonCode?: string;
  /** The comment given to CancelJob; present only if one was given. */
  comment?: string;
  /** The ARNs of the things the job targets. */
  targets: string[];
  /** The job's description; present only if CreateJob had one. */
  description?: string;
  /** When the job was created, in epoch seconds (fractional). */
  createdAt: number;
  /** When the job last changed, in epoch seconds (fractional). */
  lastUpdatedAt: number;
  /** When the job completed, in epoch seconds (fractional); present only once COMPLETED. */
  completedAt?: number;
  /** How many of the job's executions are in each status. */
  jobProcessDetails: JobProcessDetails;
  /** The job's in-progress timeout; present only if CreateJob set one. */
  timeoutConfig?: {
    /** Minutes an execution may stay IN_PROGRESS before it goes TIMED_OUT. */
    inProgressTimeoutInMinutes: number;
  };
  /** True while a rate-limited rollout still has targets to release. */
  isConcurrent: boolean;
  /** As CreateJob / UpdateJob set it; present only if set. */
  presignedUrlConfig?: PresignedUrlConfig;
  /** As CreateJob / UpdateJob set it; present only if set. */
  jobExecutionsRetryConfig?: RetryConfig;
  /** As CreateJob / UpdateJob set it; present only if set. */
  abortConfig?: AbortConfig;
  /** As CreateJob set it; present only if set. */
  schedulingConfig?: SchedulingConfig;
  /** As CreateJob / UpdateJob set it; present only if set. */
  jobExecutionsRolloutConfig?: RolloutConfig;
  /** The custom template the job was created from; present only then. */
  jobTemplateArn?: string;
}

/** An entry of ListJobs. */
export interface JobSummary {
  /** The job's ARN. */
  jobArn: string;
  /** The job's id. */
  jobId: string;
  /** How the job picks its targets, as CreateJob set it (SNAPSHOT by default). */
  targetSelection: TargetSelection;
  /** The job's status. */
  status: JobStatus;
  /** When the job was created, in epoch seconds (fractional). */
  createdAt: number;
  /** When the job last changed, in epoch seconds (fractional). */
  lastUpdatedAt: number;
  /** When the job completed, in epoch seconds (fractional); present only once COMPLETED. */
  completedAt?: number;
  /** Whether the job is a concurrent update; always false in the simulator. */
  isConcurrent: boolean;
}

/** The control-plane JobExecution of DescribeJobExecution: no document, statusDetails wrapped. */
export interface ControlJobExecution {
  /** The job's id. */
  jobId: string;
  /** The execution's status. */
  status: JobExecutionStatus;
  /** Whether the execution was IN_PROGRESS when a forced cancel ended it; present only after such a cancel. */
  forceCanceled?: boolean;
  /** The device's status details, wrapped; `{}` when there are none. */
  statusDetails: {
    /** The status details; absent when there are none. */
    detailsMap?: StatusDetails;
  };
  /** The ARN of the thing the execution runs on. */
  thingArn: string;
  /** When the execution was queued, in epoch seconds (fractional). */
  queuedAt: number;
  /** When the execution first went IN_PROGRESS, in epoch seconds (fractional); present only once started. */
  startedAt?: number;
  /** When the execution last changed, in epoch seconds (fractional). */
  lastUpdatedAt: number;
  /** Which execution of the job on this thing this is (1 for the first). */
  executionNumber: number;
  /** The execution's version, bumped on each accepted device update. */
  versionNumber: number;
  /** Seconds left before the execution times out; present only while a timer runs. */
  approximateSecondsBeforeTimedOut?: number;
}

/** The `jobExecutionSummary` of the ListJobExecutionsFor* operations. */
export interface ControlJobExecutionSummary {
  /** The execution's status. */
  status: JobExecutionStatus;
  /** When the execution was queued, in epoch seconds (fractional). */
  queuedAt: number;
  /** When the execution first went IN_PROGRESS, in epoch seconds (fractional); present only once started. */
  startedAt?: number;
  /** When the execution last changed, in epoch seconds (fractional). */
  lastUpdatedAt: number;
  /** Which execution of the job on this thing this is (1 for the first). */
  executionNumber: number;
  /** How many retries came before this execution (0 for the first). */
  retryAttempt: number;
}

const COUNTERS: Partial<Record<JobExecutionStatus, Exclude<keyof JobProcessDetails, 'processingTargets'>>> = {
  CANCELED: 'numberOfCanceledThings',
  SUCCEEDED: 'numberOfSucceededThings',
  FAILED: 'numberOfFailedThings',
  REJECTED: 'numberOfRejectedThings',
  QUEUED: 'numberOfQueuedThings',
  IN_PROGRESS: 'numberOfInProgressThings',
  REMOVED: 'numberOfRemovedThings',
  TIMED_OUT: 'numberOfTimedOutThings',
};

/** Counts the job's executions by status. */
export function jobProcessDetails(job: JobRecord): JobProcessDetails {
  const out: JobProcessDetails = {
    numberOfCanceledThings: 0,
    numberOfSucceededThings: 0,
    numberOfFailedThings: 0,
    numberOfRejectedThings: 0,
    numberOfQueuedThings: 0,
    numberOfInProgressThings: 0,
    numberOfRemovedThings: 0,
    numberOfTimedOutThings: 0,
  };
  for (const execution of job.executions.values()) {
    const counter = COUNTERS[execution.status];
    if (counter) out[counter] += 1;
  }
  return out;
}

/** Whether a rate-limited rollout still has targets waiting. */
function rollingOut(job: JobRecord): boolean {
  return job.status === 'IN_PROGRESS' && job.unreleasedTargets.length > 0;
}

/** DescribeJob's `job`; `arnOf` turns a target that is a thing name into the thing's ARN. */
export function jobDescription(job: JobRecord, arnOf: (thingName: string) => string): JobDescription {
  const out: JobDescription = {
    jobArn: job.jobArn,
    jobId: job.jobId,
    targetSelection: job.targetSelection,
    status: job.status,
    targets: job.targets.map((target) => (target.startsWith('arn:') ? target : arnOf(target))),
    createdAt: toControlSeconds(job.createdAtMs),
    lastUpdatedAt: toControlSeconds(job.lastUpdatedAtMs),
    jobProcessDetails: jobProcessDetails(job),
    isConcurrent: false,
  };
  if (job.forceCanceled !== undefined) out.forceCanceled = job.forceCanceled;
  if (job.reasonCode !== undefined) out.reasonCode = job.reasonCode;
  if (job.comment !== undefined) out.comment = job.comment;
  if (job.description !== undefined) out.description = job.description;
  if (job.completedAtMs !== undefined) out.completedAt = toControlSeconds(job.completedAtMs);
  if (job.inProgressTimeoutInMinutes !== undefined) out.timeoutConfig = { inProgressTimeoutInMinutes: job.inProgressTimeoutInMinutes };
  const { presignedUrlConfig, jobExecutionsRetryConfig, abortConfig, schedulingConfig, jobTemplateArn, jobExecutionsRolloutConfig } = structuredClone(job.config);
  if (jobExecutionsRolloutConfig) out.jobExecutionsRolloutConfig = jobExecutionsRolloutConfig;
  if (rollingOut(job)) {
    out.isConcurrent = true;
    out.jobProcessDetails.processingTargets = [...out.targets];
  }
  if (jobTemplateArn !== undefined) out.jobTemplateArn = jobTemplateArn;
  if (presignedUrlConfig) out.presignedUrlConfig = presignedUrlConfig;
  if (jobExecutionsRetryConfig) out.jobExecutionsRetryConfig = jobExecutionsRetryConfig;
  if (abortConfig) out.abortConfig = abortConfig;
  if (schedulingConfig) out.schedulingConfig = schedulingConfig;
  return out;
}

/** ListJobs' entry. */
export function jobSummary(job: JobRecord): JobSummary {
  const out: JobSummary = {
    jobArn: job.jobArn,
    jobId: job.jobId,
    targetSelection: job.targetSelection,
    status: job.status,
    createdAt: toControlSeconds(job.createdAtMs),
    lastUpdatedAt: toControlSeconds(job.lastUpdatedAtMs),
    isConcurrent: false,
  };
  if (job.completedAtMs !== undefined) out.completedAt = toControlSeconds(job.completedAtMs);
  return out;
}

/** DescribeJobExecution's (control plane) `execution`. */
export function controlExecution(execution: ExecutionRecord, thingArn: string, nowMs: number): ControlJobExecution {
  const out: ControlJobExecution = {
    jobId: execution.job.jobId,
    status: execution.status,
    statusDetails: {},
    thingArn,
    queuedAt: toControlSeconds(execution.queuedAtMs),
    lastUpdatedAt: toControlSeconds(execution.lastUpdatedAtMs),
    executionNumber: execution.executionNumber,
    versionNumber: execution.versionNumber,
  };
  if (Object.keys(execution.statusDetails).length > 0) out.statusDetails = { detailsMap: { ...execution.statusDetails } };
  if (execution.forceCanceled !== undefined) out.forceCanceled = execution.forceCanceled;
  if (execution.startedAtMs !== undefined) out.startedAt = toControlSeconds(execution.startedAtMs);
  const remaining = secondsBeforeTimedOut(execution, nowMs);
  if (remaining !== undefined) out.approximateSecondsBeforeTimedOut = remaining;
  return out;
}

/** The `jobExecutionSummary` of the list operations. */
export function controlExecutionSummary(execution: ExecutionRecord): ControlJobExecutionSummary {
  const out: ControlJobExecutionSummary = {
    status: execution.status,
    queuedAt: toControlSeconds(execution.queuedAtMs),
    lastUpdatedAt: toControlSeconds(execution.lastUpdatedAtMs),
    executionNumber: execution.executionNumber,
    retryAttempt: execution.retryAttempt,
  };
  if (execution.startedAtMs !== undefined) out.startedAt = toControlSeconds(execution.startedAtMs);
  return out;
}

/**
 * Wire types of the Jobs MQTT API (docs/protocol.md §3 to docs/protocol.md §7), with AWS's field
 * names and units: every time is an integer count of epoch **seconds**.
 * Pure data: this file imports nothing.
 * @packageDocumentation
 */

import type { JsonObject } from './json.js';
import type { DeviceStatus } from './rules.js';

/** Every job execution status (docs/protocol.md §7.1). */
export const JOB_EXECUTION_STATUSES = [
  'QUEUED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
  'CANCELED',
] as const;

/** A job execution status. */
export type JobExecutionStatus = (typeof JOB_EXECUTION_STATUSES)[number];

/** The statuses that end an execution. */
export const TERMINAL_STATUSES: readonly JobExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'];

/** Every error code of a rejected reply (docs/protocol.md §5). */
export const REJECTED_ERROR_CODES = [
  'InvalidTopic',
  'InvalidJson',
  'InvalidRequest',
  'InvalidStateTransition',
  'ResourceNotFound',
  'VersionMismatch',
  'InternalError',
  'RequestThrottled',
  'TerminalStateReached',
] as const;

/** An error code of a rejected reply. */
export type RejectedErrorCode = (typeof REJECTED_ERROR_CODES)[number];

/** A statusDetails map: keys `[a-zA-Z0-9:_-]{1,128}`, values 1-1024 characters. */
export type StatusDetails = Record<string, string>;

/** A pending execution as listed by GetPending and `notify` (no status field: the list implies it). */
export interface JobExecutionSummary {
  /** The job's id. */
  jobId: string;
  /** When the execution was queued, in epoch seconds. */
  queuedAt: number;
  /** When the execution first went IN_PROGRESS, in epoch seconds; present only once started. */
  startedAt?: number;
  /** When the execution last changed, in epoch seconds. */
  lastUpdatedAt: number;
  /** The execution's version, 1 when queued and +1 on each accepted device update. */
  versionNumber: number;
  /** Which execution of the job on this thing this is (1 for the first). */
  executionNumber: number;
}

/** One execution of a job on a thing, as the MQTT API sends it. */
export interface JobExecution {
  /** The job's id. */
  jobId: string;
  /** The thing the execution runs on; shown in AWS docs but absent from live MQTT replies. */
  thingName?: string;
  /** The job document, a JSON object over MQTT; present when requested. */
  jobDocument?: JsonObject;
  /** The execution's current status. */
  status: JobExecutionStatus;
  /** The device's last reported status details; omitted when empty. */
  statusDetails?: StatusDetails;
  /** When the execution was queued, in epoch seconds. */
  queuedAt: number;
  /** When the execution first went IN_PROGRESS, in epoch seconds; present only once started. */
  startedAt?: number;
  /** When the execution last changed, in epoch seconds. */
  lastUpdatedAt: number;
  /** The execution's version, 1 when queued and +1 on each accepted device update. */
  versionNumber: number;
  /** Which execution of the job on this thing this is (1 for the first). */
  executionNumber: number;
  /** Seconds left before TIMED_OUT, present only while a timer runs. */
  approximateSecondsBeforeTimedOut?: number;
}

/** The state a VersionMismatch or InvalidStateTransition rejection carries. */
export interface JobExecutionState {
  /** The execution's current status. */
  status: JobExecutionStatus;
  /** The execution's current status details; omitted when empty. */
  statusDetails?: StatusDetails;
  /** The execution's current version, to send as `expectedVersion` next time. */
  versionNumber: number;
}

/** GetPendingJobExecutions request. */
export interface GetPendingJobExecutionsRequest {
  /** Echoed in the reply to match it to this request; the client generates one when omitted. */
  clientToken?: string;
}

/** StartNextPendingJobExecution request. */
export interface StartNextPendingJobExecutionRequest {
  /** Status details to set if a QUEUED execution is started; ignored if the next one is already IN_PROGRESS. */
  statusDetails?: StatusDetails;
  /** Starts a step timer of this many minutes (1-10080); on expiry the execution goes TIMED_OUT. */
  stepTimeoutInMinutes?: number;
  /** Echoed in the reply to match it to this request; the client generates one when omitted. */
  clientToken?: string;
}

/** DescribeJobExecution request. `includeJobDocument` defaults to true on the service. */
export interface DescribeJobExecutionRequest {
  /** Which execution to describe; the latest one when omitted. */
  executionNumber?: number;
  /** Whether the reply includes the job document; only an explicit `false` omits it. */
  includeJobDocument?: boolean;
  /** Echoed in the reply to match it to this request; the client generates one when omitted. */
  clientToken?: string;
}

/** UpdateJobExecution request. `includeJobDocument` defaults to false on the service. */
export interface UpdateJobExecutionRequest {
  /** The new status; required on every update. */
  status: DeviceStatus;
  /** Status details to store; left unchanged when omitted. */
  statusDetails?: StatusDetails;
  /** The execution's current `versionNumber`; a different stored version is rejected with VersionMismatch. */
  expectedVersion?: number;
  /** Which execution to update; the latest one when omitted. */
  executionNumber?: number;
  /** Whether the accepted reply includes `executionState`; defaults to false. */
  includeJobExecutionState?: boolean;
  /** Whether the accepted reply includes `jobDocument`; defaults to false. */
  includeJobDocument?: boolean;
  /** Replaces the step timer with one of this many minutes (1-10080), or -1 to cancel it. */
  stepTimeoutInMinutes?: number;
  /** Echoed in the reply to match it to this request; the client generates one when omitted. */
  clientToken?: string;
}

/** `get/accepted`. */
export interface GetPendingJobExecutionsAccepted {
  /** The thing's IN_PROGRESS executions; possibly empty. */
  inProgressJobs: JobExecutionSummary[];
  /** The thing's QUEUED executions; possibly empty. */
  queuedJobs: JobExecutionSummary[];
  /** When the service sent the reply, in epoch seconds. */
  timestamp: number;
  /** The request's clientToken, echoed; present only if the request had one. */
  clientToken?: string;
}

/** `start-next/accepted`; no `execution` when nothing is pending. */
export interface StartNextPendingJobExecutionAccepted {
  /** The started (or already IN_PROGRESS) execution, with its job document; absent when nothing is pending. */
  execution?: JobExecution;
  /** When the service sent the reply, in epoch seconds. */
  timestamp: number;
  /** The request's clientToken, echoed; present only if the request had one. */
  clientToken?: string;
}

/** `<jobId>/get/accepted`; no `execution` for `$next` when nothing is pending. */
export interface DescribeJobExecutionAccepted {
  /** The described execution; absent for `$next` when nothing is pending. */
  execution?: JobExecution;
  /** When the service sent the reply, in epoch seconds. */
  timestamp: number;
  /** The request's clientToken, echoed; present only if the request had one. */
  clientToken?: string;
}

/** `<jobId>/update/accepted`. */
export interface UpdateJobExecutionAccepted {
  /** The execution's state after the update; present only if `includeJobExecutionState` was true. */
  executionState?: JobExecutionState;
  /** The job document; present only if `includeJobDocument` was true. */
  jobDocument?: JsonObject;
  /** When the service sent the reply, in epoch seconds. */
  timestamp: number;
  /** The request's clientToken, echoed; present only if the request had one. */
  clientToken?: string;
}

/** Any `/rejected` payload. */
export interface RejectedErrorResponse {
  /** Why the request was rejected. */
  code: RejectedErrorCode;
  /** The service's human-readable explanation; its text is unspecified. */
  message?: string;
  /** The request's clientToken, echoed; present only if the request had one. */
  clientToken?: string;
  /** When the service sent the rejection, in epoch seconds. */
  timestamp?: number;
  /** The execution's current state; present only for InvalidStateTransition and VersionMismatch. */
  executionState?: JobExecutionState;
}

/** `notify`: the thing's pending executions by status; `{}` when none. */
export interface JobExecutionsChangedNotification {
  /** When the service sent the notification, in epoch seconds. */
  timestamp: number;
  /** Pending executions keyed by status (IN_PROGRESS, QUEUED); a key is present only when its list is non-empty. */
  jobs: Partial<Record<JobExecutionStatus, JobExecutionSummary[]>>;
}

/** `notify-next`: the new next execution, or no `execution` when none is left. */
export interface NextJobExecutionChangedNotification {
  /** When the service sent the notification, in epoch seconds. */
  timestamp: number;
  /** The new next execution, with its job document; absent when no execution is pending. */
  execution?: JobExecution;
}

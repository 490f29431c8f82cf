/**
 * Wire types of the Jobs MQTT API (protocol §3 to §6), with AWS's field names
 * and units: every time is an integer count of epoch **seconds**. Encoders
 * copy optional fields with `!== undefined`, so `includeJobDocument: false`
 * and `expectedVersion: 0` reach the wire. Decoders check the shape of
 * untrusted payloads and return a {@link DecodeResult}; they never throw.
 * @packageDocumentation
 */

import type { DeviceStatus } from './validate.js';
import {
  arrayField,
  integerField,
  isJsonObject,
  objectAt,
  optionalIntegerField,
  optionalObjectField,
  optionalStringField,
  optionalStringMapField,
  setDefined,
  ShapeError,
  stringField,
  type JsonObject,
} from './json-shape.js';

export type { JsonObject, JsonValue } from './json-shape.js';

/** Every job execution status (protocol §7.1). */
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

/** Every error code of a rejected reply (protocol §5). */
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

/** The outcome of decoding an untrusted payload. */
export type DecodeResult<T> =
  | {
      /** The payload decoded. */
      ok: true;
      /** The decoded message. */
      value: T;
    }
  | {
      /** The payload did not decode. */
      ok: false;
      /** What was wrong with the payload. */
      error: string;
    };

/** What a payload may arrive as. */
export type Payload = Uint8Array | string;

/** Largest MQTT payload AWS IoT accepts (128 KiB); anything larger did not come from AWS. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

// ---------------------------------------------------------------- encoders

/** Encodes a GetPendingJobExecutions request. */
export function encodeGetPendingRequest(request: GetPendingJobExecutionsRequest): string {
  return encode({ clientToken: request.clientToken });
}

/** Encodes a StartNextPendingJobExecution request. */
export function encodeStartNextRequest(request: StartNextPendingJobExecutionRequest): string {
  return encode({
    statusDetails: request.statusDetails,
    stepTimeoutInMinutes: request.stepTimeoutInMinutes,
    clientToken: request.clientToken,
  });
}

/** Encodes a DescribeJobExecution request. */
export function encodeDescribeRequest(request: DescribeJobExecutionRequest): string {
  return encode({
    executionNumber: request.executionNumber,
    includeJobDocument: request.includeJobDocument,
    clientToken: request.clientToken,
  });
}

/** Encodes an UpdateJobExecution request. */
export function encodeUpdateRequest(request: UpdateJobExecutionRequest): string {
  return encode({
    status: request.status,
    statusDetails: request.statusDetails,
    expectedVersion: request.expectedVersion,
    executionNumber: request.executionNumber,
    includeJobExecutionState: request.includeJobExecutionState,
    includeJobDocument: request.includeJobDocument,
    stepTimeoutInMinutes: request.stepTimeoutInMinutes,
    clientToken: request.clientToken,
  });
}

/** JSON with only the defined fields: falsy values such as `false` and `0` are kept. */
function encode(fields: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return JSON.stringify(out);
}

// ---------------------------------------------------------------- decoders

/**
 * Parses a payload into a JSON object. An empty payload reads as `{}`
 * (protocol §3); over-long, non-UTF-8-JSON or non-object payloads fail.
 */
export function parsePayload(payload: Payload): DecodeResult<JsonObject> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  if (size === 0) return { ok: true, value: {} };
  let parsed: unknown;
  try {
    const text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return isJsonObject(parsed) ? { ok: true, value: parsed } : { ok: false, error: 'payload must be a JSON object' };
}

/** Decodes `get/accepted`. */
export const decodeGetPendingAccepted = decoder((obj): GetPendingJobExecutionsAccepted => {
  const out: GetPendingJobExecutionsAccepted = {
    inProgressJobs: arrayField(obj, 'inProgressJobs', '', readSummary),
    queuedJobs: arrayField(obj, 'queuedJobs', '', readSummary),
    timestamp: integerField(obj, 'timestamp', ''),
  };
  setDefined(out, 'clientToken', optionalStringField(obj, 'clientToken', ''));
  return out;
});

/** Decodes `start-next/accepted`. */
export const decodeStartNextAccepted = decoder((obj): StartNextPendingJobExecutionAccepted => readExecutionReply(obj));

/** Decodes `<jobId>/get/accepted`. */
export const decodeDescribeAccepted = decoder((obj): DescribeJobExecutionAccepted => readExecutionReply(obj));

/** Decodes `<jobId>/update/accepted`. */
export const decodeUpdateAccepted = decoder((obj): UpdateJobExecutionAccepted => {
  const out: UpdateJobExecutionAccepted = { timestamp: integerField(obj, 'timestamp', '') };
  const state = optionalObjectField(obj, 'executionState', '');
  if (state !== undefined) out.executionState = readExecutionState(state, 'executionState');
  setDefined(out, 'jobDocument', optionalObjectField(obj, 'jobDocument', ''));
  setDefined(out, 'clientToken', optionalStringField(obj, 'clientToken', ''));
  return out;
});

/** Decodes any `/rejected` payload. An unknown `code` fails to decode rather than being guessed. */
export const decodeRejected = decoder((obj): RejectedErrorResponse => {
  const code = stringField(obj, 'code', '');
  if (!(REJECTED_ERROR_CODES as readonly string[]).includes(code)) throw new ShapeError('code', `one of ${REJECTED_ERROR_CODES.join(', ')}`);
  const out: RejectedErrorResponse = { code: code as RejectedErrorCode };
  setDefined(out, 'message', optionalStringField(obj, 'message', ''));
  setDefined(out, 'clientToken', optionalStringField(obj, 'clientToken', ''));
  setDefined(out, 'timestamp', optionalIntegerField(obj, 'timestamp', ''));
  const state = optionalObjectField(obj, 'executionState', '');
  if (state !== undefined) out.executionState = readExecutionState(state, 'executionState');
  return out;
});

/** Decodes `notify`. */
export const decodeJobExecutionsChanged = decoder((obj): JobExecutionsChangedNotification => {
  const jobs = objectAt(obj.jobs, 'jobs');
  const out: JobExecutionsChangedNotification = { timestamp: integerField(obj, 'timestamp', ''), jobs: {} };
  for (const key of Object.keys(jobs)) {
    const status = readStatus(key, `jobs.${key}`);
    out.jobs[status] = arrayField(jobs, key, 'jobs', readSummary);
  }
  return out;
});

/** Decodes `notify-next`. */
export const decodeNextJobExecutionChanged = decoder((obj): NextJobExecutionChangedNotification => {
  const out: NextJobExecutionChangedNotification = { timestamp: integerField(obj, 'timestamp', '') };
  // Python's SDK shows `execution=None`; a null is read as "no execution".
  if (obj.execution !== undefined && obj.execution !== null) out.execution = readExecution(obj.execution, 'execution');
  return out;
});

/** Wraps a reader into a decoder that parses the payload and never throws. */
function decoder<T>(read: (obj: JsonObject) => T): (payload: Payload) => DecodeResult<T> {
  return (payload) => {
    const parsed = parsePayload(payload);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, value: read(parsed.value) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

function readExecutionReply(obj: JsonObject): { execution?: JobExecution; timestamp: number; clientToken?: string } {
  const out: { execution?: JobExecution; timestamp: number; clientToken?: string } = { timestamp: integerField(obj, 'timestamp', '') };
  if (obj.execution !== undefined && obj.execution !== null) out.execution = readExecution(obj.execution, 'execution');
  setDefined(out, 'clientToken', optionalStringField(obj, 'clientToken', ''));
  return out;
}

function readSummary(value: unknown, path: string): JobExecutionSummary {
  const obj = objectAt(value, path);
  const out: JobExecutionSummary = {
    jobId: stringField(obj, 'jobId', path),
    queuedAt: integerField(obj, 'queuedAt', path),
    lastUpdatedAt: integerField(obj, 'lastUpdatedAt', path),
    versionNumber: integerField(obj, 'versionNumber', path),
    executionNumber: integerField(obj, 'executionNumber', path),
  };
  setDefined(out, 'startedAt', optionalIntegerField(obj, 'startedAt', path));
  return out;
}

function readExecution(value: unknown, path: string): JobExecution {
  const obj = objectAt(value, path);
  const out: JobExecution = {
    jobId: stringField(obj, 'jobId', path),
    status: readStatus(obj.status, `${path}.status`),
    queuedAt: integerField(obj, 'queuedAt', path),
    lastUpdatedAt: integerField(obj, 'lastUpdatedAt', path),
    versionNumber: integerField(obj, 'versionNumber', path),
    executionNumber: integerField(obj, 'executionNumber', path),
  };
  setDefined(out, 'thingName', optionalStringField(obj, 'thingName', path));
  setDefined(out, 'jobDocument', optionalObjectField(obj, 'jobDocument', path));
  setDefined(out, 'statusDetails', optionalStringMapField(obj, 'statusDetails', path));
  setDefined(out, 'startedAt', optionalIntegerField(obj, 'startedAt', path));
  setDefined(out, 'approximateSecondsBeforeTimedOut', optionalIntegerField(obj, 'approximateSecondsBeforeTimedOut', path));
  return out;
}

function readExecutionState(obj: JsonObject, path: string): JobExecutionState {
  const out: JobExecutionState = {
    status: readStatus(obj.status, `${path}.status`),
    versionNumber: integerField(obj, 'versionNumber', path),
  };
  setDefined(out, 'statusDetails', optionalStringMapField(obj, 'statusDetails', path));
  return out;
}

function readStatus(value: unknown, path: string): JobExecutionStatus {
  if (typeof value !== 'string' || !(JOB_EXECUTION_STATUSES as readonly string[]).includes(value)) {
    throw new ShapeError(path, `one of ${JOB_EXECUTION_STATUSES.join(', ')}`);
  }
  return value as JobExecutionStatus;
}

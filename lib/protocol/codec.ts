/**
 * Encoders and decoders of the Jobs MQTT API (docs/protocol.md §3 to docs/protocol.md §6).
 * Encoders copy optional fields with `!== undefined`, so
 * `includeJobDocument: false` and `expectedVersion: 0` reach the wire.
 * Decoders check the shape of untrusted payloads and return a
 * {@link DecodeResult}; they never throw.
 * @packageDocumentation
 */

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
} from './json.js';
import {
  JOB_EXECUTION_STATUSES,
  type JobExecutionStatus,
  REJECTED_ERROR_CODES,
  type RejectedErrorCode,
  type JobExecutionSummary,
  type JobExecution,
  type JobExecutionState,
  type GetPendingJobExecutionsRequest,
  type StartNextPendingJobExecutionRequest,
  type DescribeJobExecutionRequest,
  type UpdateJobExecutionRequest,
  type GetPendingJobExecutionsAccepted,
  type StartNextPendingJobExecutionAccepted,
  type DescribeJobExecutionAccepted,
  type UpdateJobExecutionAccepted,
  type RejectedErrorResponse,
  type JobExecutionsChangedNotification,
  type NextJobExecutionChangedNotification,
} from './shapes.js';


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
  const out: Record<string, unknown> = {};
  if (request.clientToken !== undefined) out.clientToken = request.clientToken;
  return JSON.stringify(out);
}

/** Encodes a StartNextPendingJobExecution request. */
export function encodeStartNextRequest(request: StartNextPendingJobExecutionRequest): string {
  const out: Record<string, unknown> = {};
  if (request.statusDetails !== undefined) out.statusDetails = request.statusDetails;
  if (request.stepTimeoutInMinutes !== undefined) out.stepTimeoutInMinutes = request.stepTimeoutInMinutes;
  if (request.clientToken !== undefined) out.clientToken = request.clientToken;
  return JSON.stringify(out);
}

/** Encodes a DescribeJobExecution request. */
export function encodeDescribeRequest(request: DescribeJobExecutionRequest): string {
  const out: Record<string, unknown> = {};
  if (request.executionNumber !== undefined) out.executionNumber = request.executionNumber;
  if (request.includeJobDocument !== undefined) out.includeJobDocument = request.includeJobDocument;
  if (request.clientToken !== undefined) out.clientToken = request.clientToken;
  return JSON.stringify(out);
}

/** Encodes an UpdateJobExecution request. */
export function encodeUpdateRequest(request: UpdateJobExecutionRequest): string {
  // Field by field with `!== undefined`, so `false` and `0` reach the wire.
  const out: Record<string, unknown> = { status: request.status };
  if (request.statusDetails !== undefined) out.statusDetails = request.statusDetails;
  if (request.expectedVersion !== undefined) out.expectedVersion = request.expectedVersion;
  if (request.executionNumber !== undefined) out.executionNumber = request.executionNumber;
  if (request.includeJobExecutionState !== undefined) out.includeJobExecutionState = request.includeJobExecutionState;
  if (request.includeJobDocument !== undefined) out.includeJobDocument = request.includeJobDocument;
  if (request.stepTimeoutInMinutes !== undefined) out.stepTimeoutInMinutes = request.stepTimeoutInMinutes;
  if (request.clientToken !== undefined) out.clientToken = request.clientToken;
  return JSON.stringify(out);
}

// ---------------------------------------------------------------- decoders

/** One fatal decoder for every payload: building one per message cost more than the decode. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a payload into a JSON object. An empty payload reads as `{}`
 * (docs/protocol.md §3); over-long, non-UTF-8-JSON or non-object payloads fail.
 * Parse a payload once and hand the object to the decoders below.
 */
export function parsePayload(payload: Payload): DecodeResult<JsonObject> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  if (size === 0) return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : UTF8.decode(payload));
  } catch (error) {
    return { ok: false, error: `not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return isJsonObject(parsed) ? { ok: true, value: parsed } : { ok: false, error: 'payload must be a JSON object' };
}

/**
 * A decoder: takes a payload already parsed by {@link parsePayload} (the
 * client parses each reply once), or a raw payload, which it parses first.
 */
export type Decoder<T> = (input: JsonObject | Payload) => DecodeResult<T>;

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

/** Wraps a reader into a decoder that never throws. */
function decoder<T>(read: (obj: JsonObject) => T): Decoder<T> {
  return (input) => {
    let obj: JsonObject;
    if (typeof input === 'string' || input instanceof Uint8Array) {
      const parsed = parsePayload(input);
      if (!parsed.ok) return parsed;
      obj = parsed.value;
    } else {
      obj = input;
    }
    try {
      return { ok: true, value: read(obj) };
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

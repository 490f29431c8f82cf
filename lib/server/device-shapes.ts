/**
 * From the engine's device replies to the HTTP data plane's shapes (protocol
 * §10): `jobDocument` as a JSON string, integer-second times, `thingName` in
 * executions, and no `timestamp` or `clientToken`; device rejection codes to
 * their modeled HTTP exceptions (protocol §5).
 * @packageDocumentation
 */

import type { JobExecutionState, JobExecutionStatus, JobExecutionSummary, RejectedErrorCode, StatusDetails } from '../client/messages.js';
import type { DeviceJobExecution } from '../testing/simulator/shapes.js';
import { HttpError } from './http-error.js';

/** The HTTP data plane's JobExecution (`jobDocument` is the document's JSON text). */
export interface HttpJobExecution {
  jobId: string;
  thingName: string;
  status: JobExecutionStatus;
  statusDetails?: StatusDetails;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  approximateSecondsBeforeTimedOut?: number;
  versionNumber: number;
  executionNumber: number;
  jobDocument?: string;
}

/** The modeled exception (and status) of each device rejection code. */
export const DEVICE_ERROR_HTTP: Readonly<Record<RejectedErrorCode, { status: number; errorType: string }>> = {
  InvalidTopic: { status: 400, errorType: 'InvalidRequestException' },
  InvalidJson: { status: 400, errorType: 'InvalidRequestException' },
  InvalidRequest: { status: 400, errorType: 'InvalidRequestException' },
  InvalidStateTransition: { status: 409, errorType: 'InvalidStateTransitionException' },
  ResourceNotFound: { status: 404, errorType: 'ResourceNotFoundException' },
  // No modeled exception (protocol §13.8); §14 picks 400 InvalidRequestException.
  VersionMismatch: { status: 400, errorType: 'InvalidRequestException' },
  InternalError: { status: 503, errorType: 'ServiceUnavailableException' },
  RequestThrottled: { status: 429, errorType: 'ThrottlingException' },
  TerminalStateReached: { status: 410, errorType: 'TerminalStateException' },
};

/** The exception VersionMismatch becomes over HTTP (protocol §14). */
export type HttpVersionMismatch = 'InvalidRequestException' | 'InvalidStateTransitionException';

/**
 * The HTTP error for a device rejection.
 * @param versionMismatch - the exception for VersionMismatch. @defaultValue 'InvalidRequestException'
 */
export function deviceErrorToHttp(
  error: { code: RejectedErrorCode; message: string },
  versionMismatch: HttpVersionMismatch = 'InvalidRequestException',
): HttpError {
  if (error.code === 'VersionMismatch') {
    const message = `Version conflict (VersionMismatch): ${error.message}`;
    return versionMismatch === 'InvalidStateTransitionException'
      ? new HttpError(409, 'InvalidStateTransitionException', message)
      : new HttpError(400, 'InvalidRequestException', message);
  }
  const mapped = DEVICE_ERROR_HTTP[error.code] ?? DEVICE_ERROR_HTTP.InternalError;
  return new HttpError(mapped.status, mapped.errorType, error.message);
}

/** The document as HTTP sends it: the JSON text, whatever form the engine gave. */
export function documentText(document: unknown): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

/** An engine execution in the HTTP data plane's shape. */
export function httpExecution(execution: DeviceJobExecution, thingName: string): HttpJobExecution {
  const out: HttpJobExecution = {
    jobId: execution.jobId,
    thingName: execution.thingName ?? thingName,
    status: execution.status,
    queuedAt: execution.queuedAt,
    lastUpdatedAt: execution.lastUpdatedAt,
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
  };
  if (execution.statusDetails !== undefined) out.statusDetails = { ...execution.statusDetails };
  if (execution.startedAt !== undefined) out.startedAt = execution.startedAt;
  if (execution.approximateSecondsBeforeTimedOut !== undefined) out.approximateSecondsBeforeTimedOut = execution.approximateSecondsBeforeTimedOut;
  if (execution.jobDocument !== undefined) out.jobDocument = documentText(execution.jobDocument);
  return out;
}

/** A pending-list summary, exactly the model's members. */
export function httpSummary(summary: JobExecutionSummary): JobExecutionSummary {
  const out: JobExecutionSummary = {
    jobId: summary.jobId,
    queuedAt: summary.queuedAt,
    lastUpdatedAt: summary.lastUpdatedAt,
    versionNumber: summary.versionNumber,
    executionNumber: summary.executionNumber,
  };
  if (summary.startedAt !== undefined) out.startedAt = summary.startedAt;
  return out;
}

/** The execution state, exactly the model's members. */
export function httpExecutionState(state: JobExecutionState): JobExecutionState {
  const out: JobExecutionState = { status: state.status, versionNumber: state.versionNumber };
  if (state.statusDetails !== undefined) out.statusDetails = { ...state.statusDetails };
  return out;
}

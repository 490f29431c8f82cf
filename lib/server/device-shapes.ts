/**
 * Device rejection codes to their modeled HTTP exceptions (docs/protocol.md §5, docs/protocol.md §10).
 * The replies themselves need no reshaping: asked with `protocol: 'http'`,
 * the engine builds them in the data plane's shape (`jobDocument` as JSON
 * text, `thingName` in executions, no `timestamp` or `clientToken`).
 * @packageDocumentation
 */

import type { RejectedErrorCode } from '../protocol/shapes.js';
import { HttpError } from './http-error.js';

/** The modeled exception (and status) of each device rejection code. */
export const DEVICE_ERROR_HTTP: Readonly<Record<RejectedErrorCode, { status: number; errorType: string }>> = {
  InvalidTopic: { status: 400, errorType: 'InvalidRequestException' },
  InvalidJson: { status: 400, errorType: 'InvalidRequestException' },
  InvalidRequest: { status: 400, errorType: 'InvalidRequestException' },
  InvalidStateTransition: { status: 409, errorType: 'InvalidStateTransitionException' },
  ResourceNotFound: { status: 404, errorType: 'ResourceNotFoundException' },
  // No modeled exception (docs/protocol.md §13.8); docs/protocol.md §14 picks 400 InvalidRequestException.
  VersionMismatch: { status: 400, errorType: 'InvalidRequestException' },
  InternalError: { status: 503, errorType: 'ServiceUnavailableException' },
  RequestThrottled: { status: 429, errorType: 'ThrottlingException' },
  TerminalStateReached: { status: 410, errorType: 'TerminalStateException' },
};

/** The exception VersionMismatch becomes over HTTP (docs/protocol.md §14). */
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

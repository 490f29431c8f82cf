/**
 * Control-plane errors of the simulator, named and numbered as the AWS IoT
 * control plane names them (docs/protocol.md §11).
 * @packageDocumentation
 */

import { JobsError } from '../../errors.js';

/** The AWS exception names the simulator's control plane raises, with their HTTP status. */
export const CONTROL_PLANE_ERRORS = {
  /** HTTP 400: a request field is missing or invalid. */
  InvalidRequestException: 400,
  /** HTTP 404: the named thing, job or execution does not exist. */
  ResourceNotFoundException: 404,
  /** HTTP 409: a job or thing with that name already exists (differently configured, for a thing). */
  ResourceAlreadyExistsException: 409,
  /** HTTP 409: the job or execution is in a status that forbids the operation. */
  InvalidStateTransitionException: 409,
  /** HTTP 409: `expectedVersion` does not match the execution's version. */
  VersionConflictException: 409,
  /** HTTP 410: a limit was reached, e.g. too many jobs being deleted. */
  LimitExceededException: 410,
  /** HTTP 400 (not 429, on this service): the request was throttled. */
  ThrottlingException: 400,
  /** HTTP 503: the service is unavailable. */
  ServiceUnavailableException: 503,
  /** HTTP 500: an internal error. */
  InternalFailureException: 500,
} as const;

/** An AWS control-plane exception name. */
export type ControlPlaneErrorCode = keyof typeof CONTROL_PLANE_ERRORS;

/** A control-plane call was refused, as AWS would refuse it. */
export class SimulatorError extends JobsError {
  /** The AWS exception name, e.g. `ResourceNotFoundException`. */
  readonly code: ControlPlaneErrorCode;
  /** The HTTP status AWS answers with for this code. */
  readonly httpStatus: number;
  /** For ResourceAlreadyExistsException: the id of the existing resource. */
  readonly resourceId: string | undefined;
  /** For ResourceAlreadyExistsException: the ARN of the existing resource. */
  readonly resourceArn: string | undefined;

  /** @param code - the AWS exception name. @param message - the `message` AWS would send. */
  constructor(code: ControlPlaneErrorCode, message: string, resource?: { resourceId: string; resourceArn: string }) {
    super(message);
    this.code = code;
    this.httpStatus = CONTROL_PLANE_ERRORS[code];
    this.resourceId = resource?.resourceId;
    this.resourceArn = resource?.resourceArn;
  }
}

/** Shorthand for an InvalidRequestException. */
export function invalidRequest(message: string): SimulatorError {
  return new SimulatorError('InvalidRequestException', message);
}

/** Shorthand for a ResourceNotFoundException. */
export function notFound(message: string): SimulatorError {
  return new SimulatorError('ResourceNotFoundException', message);
}

/** Shorthand for an InvalidStateTransitionException. */
export function invalidTransition(message: string): SimulatorError {
  return new SimulatorError('InvalidStateTransitionException', message);
}

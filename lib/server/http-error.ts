/**
 * The rest-json error of both HTTP planes: an HTTP status, the
 * `x-amzn-ErrorType` header naming the modeled exception, and a
 * `{"message": ...}` body (docs/protocol.md §10, docs/protocol.md §11).
 * @packageDocumentation
 */

import { JobsError } from '../errors.js';

/** An error the HTTP API answers with, in AWS's rest-json error format. */
export class HttpError extends JobsError {
  /** The HTTP status, e.g. 404. */
  readonly status: number;
  /** The modeled exception name sent in `x-amzn-ErrorType`, e.g. `ResourceNotFoundException`. */
  readonly errorType: string;
  /** Members of the body besides `message`, e.g. `resourceId` and `resourceArn` of ResourceAlreadyExistsException. */
  readonly members: Readonly<Record<string, string>>;

  /**
   * @param status - the HTTP status.
   * @param errorType - the exception shape name.
   * @param message - the `message` member of the body.
   * @param options - `cause`, and `members` to add to the body.
   */
  constructor(status: number, errorType: string, message: string, options?: ErrorOptions & { members?: Record<string, string> }) {
    super(message, options);
    this.status = status;
    this.errorType = errorType;
    this.members = { ...options?.members };
  }
}

/** 400 `InvalidRequestException`: the request broke a rule; the message says which. */
export function invalidRequest(message: string, options?: ErrorOptions): HttpError {
  return new HttpError(400, 'InvalidRequestException', message, options);
}

/** 404 `UnknownOperationException`: no operation of the plane has this method and path. */
export function unknownOperation(message: string): HttpError {
  return new HttpError(404, 'UnknownOperationException', message);
}

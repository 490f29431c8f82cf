/**
 * Errors of the Commands APIs, named and numbered as the AWS IoT control
 * plane and the jobs data plane model them for Commands (docs/commands.md §7).
 * @packageDocumentation
 */

import { JobsError } from '../../../errors.js';

/** The exceptions the Commands operations raise, with their HTTP status. */
export const COMMANDS_ERRORS = {
  /** HTTP 400: a member is missing or invalid. */
  ValidationException: 400,
  /** HTTP 404: the command or execution does not exist. */
  ResourceNotFoundException: 404,
  /** HTTP 409: a command with that id exists, a clientToken was reused with other parameters, or the resource is in the wrong state. */
  ConflictException: 409,
  /** HTTP 402: a quota was reached. */
  ServiceQuotaExceededException: 402,
  /** HTTP 429: throttled. */
  ThrottlingException: 429,
  /** HTTP 500: an internal error. */
  InternalServerException: 500,
} as const;

/** A Commands exception name. */
export type CommandsErrorCode = keyof typeof COMMANDS_ERRORS;

/** A Commands operation was refused, as AWS would refuse it. */
export class CommandsServiceError extends JobsError {
  /** The AWS exception name. */
  readonly code: CommandsErrorCode;
  /** The HTTP status AWS answers with. */
  readonly httpStatus: number;
  /** For ConflictException: the id of the conflicting resource. */
  readonly resourceId: string | undefined;

  /** @param code - the exception name. @param message - its message. @param resourceId - the conflicting resource. */
  constructor(code: CommandsErrorCode, message: string, resourceId?: string) {
    super(message);
    this.code = code;
    this.httpStatus = COMMANDS_ERRORS[code];
    this.resourceId = resourceId;
  }
}

/** A ValidationException. */
export function validation(message: string): CommandsServiceError {
  return new CommandsServiceError('ValidationException', message);
}

/** A ResourceNotFoundException. */
export function commandsNotFound(message: string): CommandsServiceError {
  return new CommandsServiceError('ResourceNotFoundException', message);
}

/** A ConflictException. */
export function conflict(message: string, resourceId?: string): CommandsServiceError {
  return new CommandsServiceError('ConflictException', message, resourceId);
}

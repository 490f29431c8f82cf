/**
 * Wire types of the AWS IoT Commands device topics (docs/commands.md §5), with
 * the field names the device SDKs use. Binary values are `Uint8Array`: CBOR
 * carries them as byte strings, JSON as base64 text.
 * @packageDocumentation
 */

import { REJECTED_ERROR_CODES } from '../shapes.js';
import type { CommandDeviceStatus, CommandExecutionStatus } from './rules.js';

/** One result value: exactly one of a string, a boolean or bytes. */
export interface CommandExecutionResult {
  /** A string value. */
  s?: string;
  /** A boolean value. */
  b?: boolean;
  /** A binary value. */
  bin?: Uint8Array;
}

/** Why an execution has its status. */
export interface CommandStatusReason {
  /** Up to 64 characters of `[A-Z0-9_-]`. */
  reasonCode: string;
  /** Up to 1024 characters. */
  reasonDescription?: string;
}

/** What a device publishes on `.../response/<format>` (UpdateCommandExecution). */
export interface CommandResponse {
  /** The status the device reports. */
  status: CommandDeviceStatus;
  /** Why. */
  statusReason?: CommandStatusReason;
  /** Named result values. */
  result?: Record<string, CommandExecutionResult>;
}

/** The service's accepted reply. */
export interface CommandResponseAccepted {
  /** The execution the response was for. */
  executionId: string;
}

/** The error codes of a rejected reply: the same set as the Jobs API's (device SDKs' `RejectedErrorCode`). */
export const COMMAND_REJECTED_ERROR_CODES = REJECTED_ERROR_CODES;

/** A rejected reply's error code. */
export type CommandRejectedErrorCode = (typeof COMMAND_REJECTED_ERROR_CODES)[number];

/** The service's rejected reply. */
export interface CommandResponseRejected {
  /** The error code; an unknown code is kept as text. */
  error: CommandRejectedErrorCode | (string & {});
  /** Human-readable text. */
  errorMessage?: string;
  /** The execution the response was for. */
  executionId?: string;
}

/** The payload of `$aws/events/commandExecution/<commandId>/<status>`. */
export interface CommandExecutionEvent {
  /** The execution. */
  executionId: string;
  /** Its new status. */
  status: CommandExecutionStatus;
  /** Why, when known. */
  statusReason?: CommandStatusReason;
  /** Always `COMMAND_EXECUTION`. */
  eventType: 'COMMAND_EXECUTION';
  /** The command's ARN. */
  commandArn: string;
  /** The target's ARN (thing or client). */
  targetArn: string;
  /** When the event happened, in epoch **milliseconds** (as AWS's example shows). */
  timestamp: number;
}

/**
 * AWS IoT Commands rules as predicates (docs/commands.md §3): identifiers,
 * statuses a device may report, reason codes, timeouts. No throwing.
 * @packageDocumentation
 */

import { isValidThingName } from '../rules.js';

/** Every status of a command execution (API reference, `CommandExecutionStatus`). */
export const COMMAND_EXECUTION_STATUSES = ['CREATED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT'] as const;

/** A command execution status. */
export type CommandExecutionStatus = (typeof COMMAND_EXECUTION_STATUSES)[number];

/** The statuses a device may report on the response topic (device SDKs' `CommandExecutionStatus`). */
export const COMMAND_DEVICE_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT'] as const;

/** A status a device may report. */
export type CommandDeviceStatus = (typeof COMMAND_DEVICE_STATUSES)[number];

/** Statuses that end an execution. */
export const COMMAND_TERMINAL_STATUSES: readonly CommandExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT'];

/** Limits of the Commands APIs (docs/commands.md §3). */
export const COMMAND_LIMITS = {
  /** commandId and executionId: 1-64 characters of `[a-zA-Z0-9_-]`. */
  idMaxLength: 64,
  /** MQTT client ids: AWS IoT allows 128 bytes. */
  clientIdMaxLength: 128,
  /** `statusReason.reasonCode`: up to 64 characters of `[A-Z0-9_-]`. */
  reasonCodeMaxLength: 64,
  /** `statusReason.reasonDescription`: up to 1024 characters. */
  reasonDescriptionMaxLength: 1024,
  /** The service's default `executionTimeoutSeconds` (docs/commands.md §6). */
  defaultExecutionTimeoutSeconds: 10,
  /** The largest `executionTimeoutSeconds` the simulator accepts (docs/commands.md §6). */
  maxExecutionTimeoutSeconds: 43_200,
  /** clientToken: 1-64 printable ASCII characters. */
  clientTokenMaxLength: 64,
} as const;

const ID = /^[a-zA-Z0-9_-]+$/;
const REASON_CODE = /^[A-Z0-9_-]+$/;
const CLIENT_TOKEN = /^[\x21-\x7E]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CLIENT_ID_FORBIDDEN = /[/+#\u0000-\u001f\u007f]/;

/** A commandId or executionId: 1-64 characters of `[a-zA-Z0-9_-]`. */
export function isValidCommandId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= COMMAND_LIMITS.idMaxLength && ID.test(value);
}

/** The same rule as {@link isValidCommandId}. */
export const isValidCommandExecutionId = isValidCommandId;

/** An MQTT client id that can stand in a topic level: 1-128 characters, no `/`, `+`, `#` or control characters. */
export function isValidCommandClientId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= COMMAND_LIMITS.clientIdMaxLength && !CLIENT_ID_FORBIDDEN.test(value);
}

/** The kind of device a command targets, as its topics spell it. */
export type CommandDeviceType = 'things' | 'clients';

/** True when `deviceId` is valid for `deviceType` (a thing name, or a client id). */
export function isValidCommandDeviceId(deviceType: CommandDeviceType, deviceId: unknown): deviceId is string {
  return deviceType === 'things' ? isValidThingName(deviceId) : isValidCommandClientId(deviceId);
}

/** A status a device may report. */
export function isCommandDeviceStatus(value: unknown): value is CommandDeviceStatus {
  return typeof value === 'string' && (COMMAND_DEVICE_STATUSES as readonly string[]).includes(value);
}

/** True for a terminal status. */
export function isTerminalCommandStatus(status: CommandExecutionStatus): boolean {
  return COMMAND_TERMINAL_STATUSES.includes(status);
}

/** `statusReason.reasonCode`: 1-64 characters of `[A-Z0-9_-]`. */
export function isValidReasonCode(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= COMMAND_LIMITS.reasonCodeMaxLength && REASON_CODE.test(value);
}

/** `statusReason.reasonDescription`: up to 1024 characters. */
export function isValidReasonDescription(value: unknown): value is string {
  return typeof value === 'string' && value.length <= COMMAND_LIMITS.reasonDescriptionMaxLength;
}

/** `executionTimeoutSeconds`: an integer in 1..{@link COMMAND_LIMITS}.maxExecutionTimeoutSeconds. */
export function isValidExecutionTimeoutSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= COMMAND_LIMITS.maxExecutionTimeoutSeconds;
}

/** A StartCommandExecution clientToken: 1-64 characters of `[\x21-\x7E]`. */
export function isValidCommandClientToken(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= COMMAND_LIMITS.clientTokenMaxLength && CLIENT_TOKEN.test(value);
}

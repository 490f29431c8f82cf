/**
 * AWS IoT Commands MQTT topics (docs/commands.md §4). With `protocol/topics.ts`
 * (Jobs) this is the only place that spells `$aws/`. Builders expect ids that
 * passed validation; the parser checks every level, because its input comes
 * from the network.
 * @packageDocumentation
 */

import {
  COMMAND_EXECUTION_STATUSES,
  isValidCommandDeviceId,
  isValidCommandExecutionId,
  isValidCommandId,
  type CommandDeviceType,
  type CommandExecutionStatus,
} from './rules.js';

/**
 * How a request payload is framed, as the request topic's last level says:
 * `json` (`.../request/json`), `cbor` (`.../request/cbor`) or `generic`
 * (`.../request`, any other content type).
 */
export type CommandPayloadFormat = 'json' | 'cbor' | 'generic';

/** The formats of the device's response and of the service's replies (no generic variant). */
export type CommandResponseFormat = 'json' | 'cbor';

/** Every request format, in the order a device usually subscribes. */
export const COMMAND_PAYLOAD_FORMATS: readonly CommandPayloadFormat[] = ['json', 'cbor', 'generic'];

/** What a topic under `$aws/commands/` is. */
export interface ParsedCommandTopic {
  /** `request` (service to device), `response` (device to service), `accepted` / `rejected` (the service's replies). */
  kind: 'request' | 'response' | 'accepted' | 'rejected';
  /** `things` or `clients`. */
  deviceType: CommandDeviceType;
  /** The thing name or MQTT client id. */
  deviceId: string;
  /** The command execution's id. */
  executionId: string;
  /** The payload format the topic names (`generic` only for requests). */
  format: CommandPayloadFormat;
}

const PREFIX = '$aws/commands/';
const EVENT_PREFIX = '$aws/events/commandExecution/';

/** `$aws/commands/<things|clients>/<deviceId>/executions` — the root of one device's Commands topics. */
export function commandsRoot(deviceType: CommandDeviceType, deviceId: string): string {
  return `${PREFIX}${deviceType}/${deviceId}/executions`;
}

function suffix(format: CommandPayloadFormat): string {
  return format === 'generic' ? '' : `/${format}`;
}

/** The request topic of one execution: `.../executions/<executionId>/request[/json|/cbor]`. */
export function commandRequestTopic(deviceType: CommandDeviceType, deviceId: string, executionId: string, format: CommandPayloadFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/${executionId}/request${suffix(format)}`;
}

/** The filter that receives every request of a device in one format: `.../executions/+/request[/json|/cbor]`. `deviceId` `+` serves every device (gateway mode). */
export function commandRequestFilter(deviceType: CommandDeviceType, deviceId: string, format: CommandPayloadFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/+/request${suffix(format)}`;
}

/** The topic a device answers on: `.../executions/<executionId>/response/<json|cbor>`. */
export function commandResponseTopic(deviceType: CommandDeviceType, deviceId: string, executionId: string, format: CommandResponseFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/${executionId}/response/${format}`;
}

/** The service's accepted reply to a response: `.../response/accepted/<format>`. */
export function commandAcceptedTopic(deviceType: CommandDeviceType, deviceId: string, executionId: string, format: CommandResponseFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/${executionId}/response/accepted/${format}`;
}

/** The service's rejected reply to a response: `.../response/rejected/<format>`. */
export function commandRejectedTopic(deviceType: CommandDeviceType, deviceId: string, executionId: string, format: CommandResponseFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/${executionId}/response/rejected/${format}`;
}

/** The filter of both replies of every execution of a device: `.../executions/+/response/+/<format>`. */
export function commandReplyFilter(deviceType: CommandDeviceType, deviceId: string, format: CommandResponseFormat): string {
  return `${commandsRoot(deviceType, deviceId)}/+/response/+/${format}`;
}

/** The filter a service attached to an external broker listens on: every response of every device. */
export const COMMAND_RESPONSE_FILTER = `${PREFIX}+/+/executions/+/response/#`;

/** The command execution event topic: `$aws/events/commandExecution/<commandId>/<status>`. */
export function commandEventTopic(commandId: string, status: CommandExecutionStatus): string {
  return `${EVENT_PREFIX}${commandId}/${status}`;
}

/** Every command execution event: `$aws/events/commandExecution/+/#`. */
export const COMMAND_EVENTS_FILTER = `${EVENT_PREFIX}+/#`;

/** What an event topic names. */
export interface ParsedCommandEventTopic {
  /** The command. */
  commandId: string;
  /** The status the event reports. */
  status: CommandExecutionStatus;
}

/** Parses an event topic into its command id and status; `undefined` when it is not one. */
export function parseCommandEventTopic(topic: string): ParsedCommandEventTopic | undefined {
  if (!topic.startsWith(EVENT_PREFIX)) return undefined;
  const [commandId, status, extra] = topic.slice(EVENT_PREFIX.length).split('/');
  if (extra !== undefined || !isValidCommandId(commandId)) return undefined;
  if (!(COMMAND_EXECUTION_STATUSES as readonly string[]).includes(status ?? '')) return undefined;
  return { commandId, status: status as CommandExecutionStatus };
}

/**
 * Maps a topic under `$aws/commands/` to what it is, by level count. Returns
 * `undefined` for anything that is not a well-formed Commands topic
 * (including invalid device or execution ids).
 */
export function parseCommandTopic(topic: string): ParsedCommandTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const [deviceType, deviceId, executions, executionId, verb, ...rest] = topic.slice(PREFIX.length).split('/');
  if (deviceType !== 'things' && deviceType !== 'clients') return undefined;
  if (executions !== 'executions' || !isValidCommandDeviceId(deviceType, deviceId) || !isValidCommandExecutionId(executionId)) return undefined;
  const base: { deviceType: CommandDeviceType; deviceId: string; executionId: string } = { deviceType, deviceId, executionId };
  if (verb === 'request') {
    if (rest.length === 0) return { kind: 'request', ...base, format: 'generic' };
    const [format] = rest;
    return rest.length === 1 && (format === 'json' || format === 'cbor') ? { kind: 'request', ...base, format } : undefined;
  }
  if (verb !== 'response') return undefined;
  const [first, second] = rest;
  if (rest.length === 1 && (first === 'json' || first === 'cbor')) return { kind: 'response', ...base, format: first };
  if (rest.length === 2 && (first === 'accepted' || first === 'rejected') && (second === 'json' || second === 'cbor')) {
    return { kind: first, ...base, format: second };
  }
  return undefined;
}

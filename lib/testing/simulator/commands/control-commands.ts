/**
 * CreateCommand, GetCommand, ListCommands, UpdateCommand and DeleteCommand
 * (docs/commands.md §7), on the simulator's state. Times are fractional epoch
 * seconds, as the control plane sends them.
 * @packageDocumentation
 */

import { toControlSeconds } from '../clock.js';
import { page } from '../paging.js';
import { commandsNotFound, conflict, validation } from './commands-error.js';
import type { CommandsCore } from './core.js';
import type { CommandNamespace, CommandParameter, CommandPayload, CommandPreprocessor, CommandRecord } from './model.js';
import { idOf, optionalBoolean, optionalBytes, optionalEnum, optionalParameterList, optionalText } from './validate.js';

/** The largest static payload the simulator accepts (docs/commands.md §9). */
export const MAX_COMMAND_PAYLOAD_BYTES = 32 * 1024;

/** CreateCommand's request. */
export interface CreateCommandRequest {
  /** 1-64 characters of `[a-zA-Z0-9_-]`. */
  commandId: string;
  /** @defaultValue 'AWS-IoT' */
  namespace?: CommandNamespace;
  /** Display name. */
  displayName?: string;
  /** Description. */
  description?: string;
  /** A static payload (exactly one of `payload` and `payloadTemplate`). */
  payload?: CommandPayload;
  /** A JSON payload template with `${aws:iot:commandexecution::parameter:<name>}` placeholders. */
  payloadTemplate?: string;
  /** How a template is turned into the payload. @defaultValue JSON */
  preprocessor?: CommandPreprocessor;
  /** Parameters the template uses, with defaults. */
  mandatoryParameters?: CommandParameter[];
  /** Kept and returned. */
  roleArn?: string;
  /** Accepted and ignored. */
  tags?: unknown;
}

/** CreateCommand's response. */
export interface CreateCommandResponse {
  /** The command id. */
  commandId: string;
  /** The command's ARN. */
  commandArn: string;
}

/** ListCommands' response. */
export interface ListCommandsResponse {
  /** One page of commands. */
  commands: CommandSummary[];
  /** The token of the next page. */
  nextToken?: string;
}

/** DeleteCommand's response. */
export interface DeleteCommandResponse {
  /** The HTTP status: 204, deleted at once. */
  statusCode: number;
}

/** GetCommand's response. */
export interface GetCommandResponse {
  /** The command id. */
  commandId: string;
  /** The command's ARN. */
  commandArn: string;
  /** The namespace. */
  namespace: CommandNamespace;
  /** The display name. */
  displayName?: string;
  /** The description. */
  description?: string;
  /** The parameters a payload template uses, with defaults. */
  mandatoryParameters?: CommandParameter[];
  /** The static payload. */
  payload?: CommandPayload;
  /** The JSON payload template. */
  payloadTemplate?: string;
  /** How the template becomes the payload. */
  preprocessor?: CommandPreprocessor;
  /** The role ARN, kept as given. */
  roleArn?: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds. */
  lastUpdatedAt: number;
  /** True once deprecated: no new executions. */
  deprecated: boolean;
  /** Always false: the simulator deletes at once. */
  pendingDeletion: boolean;
}

/** One command in ListCommands. */
export interface CommandSummary {
  /** The command's ARN. */
  commandArn: string;
  /** The command id. */
  commandId: string;
  /** The display name. */
  displayName?: string;
  /** True once deprecated: no new executions. */
  deprecated: boolean;
  /** Creation time, in epoch seconds. */
  createdAt: number;
  /** Last change, in epoch seconds. */
  lastUpdatedAt: number;
  /** Always false: the simulator deletes at once. */
  pendingDeletion: boolean;
}

/** ListCommands' request. */
export interface ListCommandsRequest {
  /** Page size, 1-100. */
  maxResults?: number;
  /** The token of the next page. */
  nextToken?: string;
  /** The namespace. */
  namespace?: CommandNamespace;
  /** Only commands that declare this parameter. */
  commandParameterName?: string;
  /** By creation time. @defaultValue 'DESCENDING' */
  sortOrder?: 'ASCENDING' | 'DESCENDING';
}

/** UpdateCommand's request. */
export interface UpdateCommandRequest {
  /** The command id. */
  commandId: string;
  /** The display name. */
  displayName?: string;
  /** The description. */
  description?: string;
  /** True once deprecated: no new executions. */
  deprecated?: boolean;
}

/** UpdateCommand's response. */
export interface UpdateCommandResponse {
  /** The command id. */
  commandId: string;
  /** The display name. */
  displayName?: string;
  /** The description. */
  description?: string;
  /** True once deprecated: no new executions. */
  deprecated: boolean;
  /** Last change, in epoch seconds. */
  lastUpdatedAt: number;
}

const NAMESPACES: readonly CommandNamespace[] = ['AWS-IoT', 'AWS-IoT-FleetWise'];

/** CreateCommand. @throws ValidationException, ConflictException */
export function createCommand(core: CommandsCore, request: CreateCommandRequest): CreateCommandResponse {
  const r = request as unknown as Record<string, unknown>;
  const commandId = idOf(r.commandId, 'commandId');
  const namespace = optionalEnum(r.namespace, 'namespace', NAMESPACES) ?? 'AWS-IoT';
  if (namespace !== 'AWS-IoT') throw validation('The simulator runs AWS-IoT commands only (docs/commands.md §9).');
  const payload = payloadOf(r.payload);
  const payloadTemplate = optionalText(r.payloadTemplate, 'payloadTemplate', MAX_COMMAND_PAYLOAD_BYTES);
  if ((payload === undefined) === (payloadTemplate === undefined)) throw validation('An AWS-IoT command needs exactly one of payload and payloadTemplate.');
  const preprocessor = preprocessorOf(r.preprocessor);
  if (preprocessor !== undefined && payloadTemplate === undefined) throw validation('preprocessor applies to a payloadTemplate only.');
  if (core.commands.has(commandId)) throw conflict(`Command ${commandId} already exists.`, commandId);
  const now = core.clock.now();
  const record: CommandRecord = { commandId, commandArn: core.commandArn(commandId), namespace, createdAtMs: now, lastUpdatedAtMs: now, deprecated: false, seq: core.nextSeq() };
  const displayName = optionalText(r.displayName, 'displayName', 64);
  const description = optionalText(r.description, 'description', 2028);
  const mandatoryParameters = optionalParameterList(r.mandatoryParameters);
  const roleArn = optionalText(r.roleArn, 'roleArn', 2048);
  if (displayName !== undefined) record.displayName = displayName;
  if (description !== undefined) record.description = description;
  if (payload !== undefined) record.payload = payload;
  if (payloadTemplate !== undefined) record.payloadTemplate = payloadTemplate;
  if (preprocessor !== undefined) record.preprocessor = preprocessor;
  if (mandatoryParameters !== undefined) record.mandatoryParameters = mandatoryParameters;
  if (roleArn !== undefined) record.roleArn = roleArn;
  core.commands.set(commandId, record);
  return { commandId, commandArn: record.commandArn };
}

/** GetCommand. @throws ResourceNotFoundException */
export function getCommand(core: CommandsCore, request: { commandId: string }): GetCommandResponse {
  const command = find(core, request.commandId);
  const out: GetCommandResponse = {
    commandId: command.commandId,
    commandArn: command.commandArn,
    namespace: command.namespace,
    createdAt: toControlSeconds(command.createdAtMs),
    lastUpdatedAt: toControlSeconds(command.lastUpdatedAtMs),
    deprecated: command.deprecated,
    pendingDeletion: false,
  };
  if (command.displayName !== undefined) out.displayName = command.displayName;
  if (command.description !== undefined) out.description = command.description;
  if (command.mandatoryParameters !== undefined) out.mandatoryParameters = command.mandatoryParameters;
  if (command.payload !== undefined) out.payload = command.payload;
  if (command.payloadTemplate !== undefined) out.payloadTemplate = command.payloadTemplate;
  if (command.preprocessor !== undefined) out.preprocessor = command.preprocessor;
  if (command.roleArn !== undefined) out.roleArn = command.roleArn;
  return out;
}

/** ListCommands: newest first unless `sortOrder` is ASCENDING. */
export function listCommands(core: CommandsCore, request: ListCommandsRequest = {}): ListCommandsResponse {
  const r = request as unknown as Record<string, unknown>;
  const namespace = optionalEnum(r.namespace, 'namespace', NAMESPACES);
  const parameterName = optionalText(r.commandParameterName, 'commandParameterName', 192);
  const order = optionalEnum(r.sortOrder, 'sortOrder', ['ASCENDING', 'DESCENDING'] as const) ?? 'DESCENDING';
  const matching = [...core.commands.values()]
    .filter((command) => namespace === undefined || command.namespace === namespace)
    .filter((command) => parameterName === undefined || (command.mandatoryParameters ?? []).some((p) => p.name === parameterName))
    .sort((a, b) => (order === 'ASCENDING' ? a.seq - b.seq : b.seq - a.seq));
  const { items, nextToken } = pageOf(matching, r.maxResults, r.nextToken);
  const commands = items.map((command): CommandSummary => {
    const summary: CommandSummary = {
      commandArn: command.commandArn,
      commandId: command.commandId,
      deprecated: command.deprecated,
      createdAt: toControlSeconds(command.createdAtMs),
      lastUpdatedAt: toControlSeconds(command.lastUpdatedAtMs),
      pendingDeletion: false,
    };
    if (command.displayName !== undefined) summary.displayName = command.displayName;
    return summary;
  });
  return nextToken === undefined ? { commands } : { commands, nextToken };
}

/** UpdateCommand: display name, description, deprecated. @throws ResourceNotFoundException, ValidationException */
export function updateCommand(core: CommandsCore, request: UpdateCommandRequest): UpdateCommandResponse {
  const r = request as unknown as Record<string, unknown>;
  const command = find(core, r.commandId);
  const displayName = optionalText(r.displayName, 'displayName', 64);
  const description = optionalText(r.description, 'description', 2028);
  const deprecated = optionalBoolean(r.deprecated, 'deprecated');
  if (displayName === undefined && description === undefined && deprecated === undefined) throw validation('Give displayName, description or deprecated.');
  if (displayName !== undefined) command.displayName = displayName;
  if (description !== undefined) command.description = description;
  if (deprecated !== undefined) command.deprecated = deprecated;
  command.lastUpdatedAtMs = core.clock.now();
  const out: UpdateCommandResponse = { commandId: command.commandId, deprecated: command.deprecated, lastUpdatedAt: toControlSeconds(command.lastUpdatedAtMs) };
  if (command.displayName !== undefined) out.displayName = command.displayName;
  if (command.description !== undefined) out.description = command.description;
  return out;
}

/**
 * DeleteCommand: removed at once (HTTP 204). Executions of it that are still
 * running keep their record and can still be answered (docs/commands.md §9).
 * @throws ResourceNotFoundException
 */
export function deleteCommand(core: CommandsCore, request: { commandId: string }): DeleteCommandResponse {
  const command = find(core, request.commandId);
  core.commands.delete(command.commandId);
  return { statusCode: 204 };
}

/** The command named `commandId`. @throws ResourceNotFoundException */
export function find(core: CommandsCore, commandId: unknown): CommandRecord {
  const id = idOf(commandId, 'commandId');
  const command = core.commands.get(id);
  if (!command) throw commandsNotFound(`Command ${id} does not exist.`);
  return command;
}

/** Paging with AWS's 1-100 maxResults of the Commands lists. */
export function pageOf<T>(items: readonly T[], maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && maxResults !== null && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)) {
    throw validation('maxResults must be an integer in 1..100.');
  }
  try {
    return page(items, maxResults, nextToken);
  } catch {
    throw validation('The nextToken is not valid.');
  }
}

function payloadOf(value: unknown): CommandPayload | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw validation('payload must be an object.');
  const p = value as Record<string, unknown>;
  const content = optionalBytes(p.content, 'payload.content');
  if (content !== undefined && content.byteLength > MAX_COMMAND_PAYLOAD_BYTES) throw validation(`payload.content must be at most ${MAX_COMMAND_PAYLOAD_BYTES} bytes.`);
  const contentType = optionalText(p.contentType, 'payload.contentType', 64);
  const payload: CommandPayload = {};
  if (content !== undefined) payload.content = content;
  if (contentType !== undefined) payload.contentType = contentType;
  return payload;
}

function preprocessorOf(value: unknown): CommandRecord['preprocessor'] {
  if (value === undefined || value === null) return undefined;
  const substitution = (value as { awsJsonSubstitution?: { outputFormat?: unknown } }).awsJsonSubstitution;
  if (typeof value !== 'object' || substitution === undefined) throw validation('preprocessor must be { awsJsonSubstitution: { outputFormat } }.');
  const outputFormat = optionalEnum(substitution.outputFormat, 'preprocessor.awsJsonSubstitution.outputFormat', ['JSON', 'CBOR'] as const);
  if (outputFormat === undefined) throw validation('preprocessor.awsJsonSubstitution.outputFormat is required.');
  return { awsJsonSubstitution: { outputFormat } };
}

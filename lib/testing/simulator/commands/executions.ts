/**
 * Command executions (docs/commands.md §6, docs/commands.md §7):
 * StartCommandExecution with clientToken idempotency, the execution timer on
 * the simulator clock, the device's responses, and GetCommandExecution,
 * ListCommandExecutions, DeleteCommandExecution.
 * @packageDocumentation
 */

import { randomUUID } from 'node:crypto';
import {
  COMMAND_EXECUTION_STATUSES,
  COMMAND_LIMITS,
  isTerminalCommandStatus,
  isValidCommandClientToken,
  isValidReasonCode,
  isValidReasonDescription,
  type CommandDeviceType,
  type CommandExecutionStatus,
} from '../../../protocol/commands/rules.js';
import type { CommandExecutionResult, CommandRejectedErrorCode, CommandResponse, CommandStatusReason } from '../../../protocol/commands/shapes.js';
import { toControlSeconds } from '../clock.js';
import { commandsNotFound, conflict, validation } from './commands-error.js';
import { find, pageOf } from './control-commands.js';
import type { CommandsCore } from './core.js';
import type { CommandParameterValue, ExecutionRecord } from './model.js';
import { buildRequest } from './request-payload.js';
import { optionalBoolean, optionalEnum, optionalInteger, optionalParameters, targetOf, timeBoundMs } from './validate.js';

/** The reason the service gives when it times an execution out (docs/commands.md §6). */
export const NO_RESPONSE_REASON: CommandStatusReason = {
  reasonCode: '$NO_RESPONSE_FROM_DEVICE',
  reasonDescription: 'The device did not report a terminal status within executionTimeoutSeconds.',
};

/** StartCommandExecution's request (the jobs data plane). */
export interface StartCommandExecutionRequest {
  /** A thing ARN or a client ARN. */
  targetArn: string;
  /** The command's ARN. */
  commandArn: string;
  /** Values of the template's parameters. */
  parameters?: Record<string, CommandParameterValue>;
  /** @defaultValue 10 */
  executionTimeoutSeconds?: number;
  /** Idempotency token: the same token and parameters give the same execution. */
  clientToken?: string;
}

/** GetCommandExecution's request. */
export interface GetCommandExecutionRequest {
  /** The execution id. */
  executionId: string;
  /** The target's ARN (thing or client). */
  targetArn: string;
  /** Include the device's `result`. @defaultValue false */
  includeResult?: boolean;
}

/** GetCommandExecution's response (times in epoch seconds). */
export interface GetCommandExecutionResponse {
  /** The execution id. */
  executionId: string;
  /** The command's ARN. */
  commandArn: string;
  /** The target's ARN (thing or client). */
  targetArn: string;
  /** The execution status. */
  status: CommandExecutionStatus;
  /** Why it has its status. */
  statusReason?: CommandStatusReason;
  /** The device's result, in the control plane's spelling (`S`, `B`, `BIN`). */
  result?: Record<string, ControlCommandExecutionResult>;
  /** The parameter values it was started with. */
  parameters?: Record<string, CommandParameterValue>;
  /** Seconds the device has before TIMED_OUT. */
  executionTimeoutSeconds: number;
  /** Creation time, in epoch seconds. */
  createdAt: number;
  /** Last change, in epoch seconds. */
  lastUpdatedAt: number;
  /** When it was started (sent), in epoch seconds. */
  startedAt: number;
  /** When it reached a terminal status, in epoch seconds. */
  completedAt?: number;
}

/** A result value as the control plane spells it. */
export interface ControlCommandExecutionResult {
  /** A string. */
  S?: string;
  /** A boolean. */
  B?: boolean;
  /** Bytes. */
  BIN?: Uint8Array;
}

/** ListCommandExecutions' request. */
export interface ListCommandExecutionsRequest {
  /** Page size, 1-100. */
  maxResults?: number;
  /** The token of the next page. */
  nextToken?: string;
  /** The namespace. */
  namespace?: 'AWS-IoT' | 'AWS-IoT-FleetWise';
  /** The execution status. */
  status?: CommandExecutionStatus;
  /** By creation time. @defaultValue 'DESCENDING' */
  sortOrder?: 'ASCENDING' | 'DESCENDING';
  /** Only executions started in this range. */
  startedTimeFilter?: TimeFilter;
  /** Only executions completed in this range. */
  completedTimeFilter?: TimeFilter;
  /** The target's ARN (thing or client). */
  targetArn?: string;
  /** The command's ARN. */
  commandArn?: string;
}

/** One execution in ListCommandExecutions. */
export interface CommandExecutionSummary {
  /** The command's ARN. */
  commandArn: string;
  /** The execution id. */
  executionId: string;
  /** The target's ARN (thing or client). */
  targetArn: string;
  /** The execution status. */
  status: CommandExecutionStatus;
  /** Creation time, in epoch seconds. */
  createdAt: number;
  /** When it was started (sent), in epoch seconds. */
  startedAt: number;
  /** When it reached a terminal status, in epoch seconds. */
  completedAt?: number;
}

/** The outcome of a device response. */
export type CommandDeviceResult =
  | {
      /** Accepted. */
      ok: true;
    }
  | {
      /** Rejected. */
      ok: false;
      /** The rejected reply's error code. */
      error: CommandRejectedErrorCode;
      /** Its message. */
      errorMessage: string;
    };

/** StartCommandExecution's response. */
export interface StartCommandExecutionResponse {
  /** The new (or, for a repeated clientToken, the existing) execution's id. */
  executionId: string;
}

/** ListCommandExecutions' response. */
export interface ListCommandExecutionsResponse {
  /** One page of executions. */
  commandExecutions: CommandExecutionSummary[];
  /** The token of the next page. */
  nextToken?: string;
}

/** A time range of ListCommandExecutions. */
export interface TimeFilter {
  /** ISO-8601 time or epoch seconds: at or after. */
  after?: string;
  /** ISO-8601 time or epoch seconds: at or before. */
  before?: string;
}

/** StartCommandExecution. @throws ValidationException, ResourceNotFoundException, ConflictException */
export function startExecution(core: CommandsCore, request: StartCommandExecutionRequest): StartCommandExecutionResponse {
  const r = request as unknown as Record<string, unknown>;
  const target = targetOf(r.targetArn, core.region, core.accountId);
  const timeout = optionalInteger(r.executionTimeoutSeconds, 'executionTimeoutSeconds', 1, COMMAND_LIMITS.maxExecutionTimeoutSeconds) ?? COMMAND_LIMITS.defaultExecutionTimeoutSeconds;
  const parameters = optionalParameters(r.parameters, 'parameters');
  const clientToken = r.clientToken;
  if (clientToken !== undefined && clientToken !== null && !isValidCommandClientToken(clientToken)) throw validation('clientToken must be 1-64 characters of [\\x21-\\x7E].');
  if (typeof r.commandArn !== 'string') throw validation('commandArn is required.');
  const fingerprint = JSON.stringify([r.commandArn, r.targetArn, timeout, parameters ?? null, binaryFree(parameters)]);
  if (typeof clientToken === 'string') {
    const seen = core.tokens.get(clientToken);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) throw conflict(`The clientToken ${clientToken} was used with different parameters.`, seen.executionId);
      return { executionId: seen.executionId };
    }
  }
  const commandId = commandIdOfArn(core, r.commandArn);
  const command = find(core, commandId);
  if (command.deprecated) throw validation(`Command ${commandId} is deprecated.`);
  if (target.deviceType === 'things' && !core.thingExists(target.deviceId)) throw commandsNotFound(`Thing ${target.deviceId} does not exist.`);
  const requestMessage = buildRequest(command, parameters);
  const now = core.clock.now();
  const execution: ExecutionRecord = {
    executionId: randomUUID(),
    command,
    targetArn: r.targetArn as string,
    deviceType: target.deviceType,
    deviceId: target.deviceId,
    status: 'CREATED',
    executionTimeoutSeconds: timeout,
    createdAtMs: now,
    lastUpdatedAtMs: now,
    startedAtMs: now,
    timedOutByService: false,
    request: requestMessage,
    seq: core.nextSeq(),
  };
  if (parameters !== undefined) execution.parameters = parameters;
  core.executions.set(execution.executionId, execution);
  if (typeof clientToken === 'string') core.tokens.set(clientToken, { fingerprint, executionId: execution.executionId });
  execution.timerHandle = core.clock.setTimeout(() => {
    execution.timerHandle = undefined;
    expire(core, execution);
  }, timeout * 1000);
  core.announce(execution, 'CREATED');
  core.deliver(execution);
  return { executionId: execution.executionId };
}

/** GetCommandExecution. @throws ResourceNotFoundException */
export function getExecution(core: CommandsCore, request: GetCommandExecutionRequest): GetCommandExecutionResponse {
  const r = request as unknown as Record<string, unknown>;
  const execution = findExecution(core, r.executionId, r.targetArn);
  const includeResult = optionalBoolean(r.includeResult, 'includeResult') ?? false;
  const out: GetCommandExecutionResponse = {
    executionId: execution.executionId,
    commandArn: execution.command.commandArn,
    targetArn: execution.targetArn,
    status: execution.status,
    executionTimeoutSeconds: execution.executionTimeoutSeconds,
    createdAt: toControlSeconds(execution.createdAtMs),
    lastUpdatedAt: toControlSeconds(execution.lastUpdatedAtMs),
    startedAt: toControlSeconds(execution.startedAtMs),
  };
  if (execution.statusReason !== undefined) out.statusReason = { ...execution.statusReason };
  if (includeResult && execution.result !== undefined) out.result = controlResult(execution.result);
  if (execution.parameters !== undefined) out.parameters = execution.parameters;
  if (execution.completedAtMs !== undefined) out.completedAt = toControlSeconds(execution.completedAtMs);
  return out;
}

/** ListCommandExecutions: filters, newest first unless ASCENDING, paging. */
export function listExecutions(core: CommandsCore, request: ListCommandExecutionsRequest = {}): ListCommandExecutionsResponse {
  const r = request as unknown as Record<string, unknown>;
  optionalEnum(r.namespace, 'namespace', ['AWS-IoT', 'AWS-IoT-FleetWise'] as const);
  const status = optionalEnum(r.status, 'status', COMMAND_EXECUTION_STATUSES);
  const order = optionalEnum(r.sortOrder, 'sortOrder', ['ASCENDING', 'DESCENDING'] as const) ?? 'DESCENDING';
  const started = boundsOf(r.startedTimeFilter, 'startedTimeFilter');
  const completed = boundsOf(r.completedTimeFilter, 'completedTimeFilter');
  const matching = [...core.executions.values()]
    .filter((e) => r.targetArn === undefined || r.targetArn === null || e.targetArn === r.targetArn)
    .filter((e) => r.commandArn === undefined || r.commandArn === null || e.command.commandArn === r.commandArn)
    .filter((e) => status === undefined || e.status === status)
    .filter((e) => within(e.startedAtMs, started))
    .filter((e) => completed === undefined || (e.completedAtMs !== undefined && within(e.completedAtMs, completed)))
    .sort((a, b) => (order === 'ASCENDING' ? a.seq - b.seq : b.seq - a.seq));
  const { items, nextToken } = pageOf(matching, r.maxResults, r.nextToken);
  const commandExecutions = items.map((e): CommandExecutionSummary => {
    const summary: CommandExecutionSummary = {
      commandArn: e.command.commandArn,
      executionId: e.executionId,
      targetArn: e.targetArn,
      status: e.status,
      createdAt: toControlSeconds(e.createdAtMs),
      startedAt: toControlSeconds(e.startedAtMs),
    };
    if (e.completedAtMs !== undefined) summary.completedAt = toControlSeconds(e.completedAtMs);
    return summary;
  });
  return nextToken === undefined ? { commandExecutions } : { commandExecutions, nextToken };
}

/** DeleteCommandExecution: terminal executions only. @throws ResourceNotFoundException, ConflictException */
export function deleteExecution(core: CommandsCore, request: { executionId: string; targetArn: string }): Record<string, never> {
  const execution = findExecution(core, request.executionId, request.targetArn);
  if (!isTerminalCommandStatus(execution.status)) throw conflict(`Execution ${execution.executionId} is ${execution.status}; only terminal executions can be deleted.`, execution.executionId);
  core.executions.delete(execution.executionId);
  return {};
}

/**
 * A device's response (UpdateCommandExecution over MQTT). A device may move
 * CREATED or IN_PROGRESS on; after the service's own time-out it may still
 * report a terminal status once (docs/commands.md §6); anything else on a
 * terminal execution is TerminalStateReached.
 */
export function respond(core: CommandsCore, deviceType: CommandDeviceType, deviceId: string, executionId: string, response: CommandResponse): CommandDeviceResult {
  const execution = core.executions.get(executionId);
  if (!execution || execution.deviceType !== deviceType || execution.deviceId !== deviceId) {
    return { ok: false, error: 'ResourceNotFound', errorMessage: `Execution ${executionId} does not exist for ${deviceType}/${deviceId}.` };
  }
  const problem = responseProblem(response);
  if (problem !== undefined) return { ok: false, error: 'InvalidRequest', errorMessage: problem };
  const terminal = isTerminalCommandStatus(response.status);
  if (isTerminalCommandStatus(execution.status)) {
    const late = execution.timedOutByService && execution.status === 'TIMED_OUT' && terminal;
    if (!late) return { ok: false, error: 'TerminalStateReached', errorMessage: `Execution ${executionId} is already ${execution.status}.` };
    execution.timedOutByService = false;
  }
  const now = core.clock.now();
  const changed = execution.status !== response.status;
  execution.status = response.status;
  execution.lastUpdatedAtMs = now;
  if (response.statusReason !== undefined) execution.statusReason = { ...response.statusReason };
  else delete execution.statusReason;
  if (response.result !== undefined) execution.result = response.result;
  if (terminal) {
    execution.completedAtMs = now;
    if (execution.timerHandle !== undefined) core.clock.clearTimeout(execution.timerHandle);
    execution.timerHandle = undefined;
  }
  if (changed || terminal) core.announce(execution, execution.status);
  return { ok: true };
}

function controlResult(result: Record<string, CommandExecutionResult>): Record<string, ControlCommandExecutionResult> {
  const out: Record<string, ControlCommandExecutionResult> = {};
  for (const [name, value] of Object.entries(result)) {
    if (value.s !== undefined) out[name] = { S: value.s };
    else if (value.b !== undefined) out[name] = { B: value.b };
    else if (value.bin !== undefined) out[name] = { BIN: value.bin };
  }
  return out;
}

function expire(core: CommandsCore, execution: ExecutionRecord): void {
  if (isTerminalCommandStatus(execution.status) || core.executions.get(execution.executionId) !== execution) return;
  const now = core.clock.now();
  execution.status = 'TIMED_OUT';
  execution.statusReason = { ...NO_RESPONSE_REASON };
  execution.timedOutByService = true;
  execution.completedAtMs = now;
  execution.lastUpdatedAtMs = now;
  core.announce(execution, 'TIMED_OUT');
}

function responseProblem(response: CommandResponse): string | undefined {
  const reason = response.statusReason;
  if (reason !== undefined) {
    if (!isValidReasonCode(reason.reasonCode)) return 'statusReason.reasonCode must be 1-64 characters of [A-Z0-9_-].';
    if (reason.reasonDescription !== undefined && !isValidReasonDescription(reason.reasonDescription)) return 'statusReason.reasonDescription must be at most 1024 characters.';
  }
  return undefined;
}

function findExecution(core: CommandsCore, executionId: unknown, targetArn: unknown): ExecutionRecord {
  if (typeof executionId !== 'string' || executionId === '') throw validation('executionId is required.');
  if (typeof targetArn !== 'string' || targetArn === '') throw validation('targetArn is required.');
  const execution = core.executions.get(executionId);
  if (!execution || execution.targetArn !== targetArn) throw commandsNotFound(`Execution ${executionId} does not exist for ${targetArn}.`);
  return execution;
}

function commandIdOfArn(core: CommandsCore, commandArn: string): string {
  const prefix = core.commandArn('');
  if (!commandArn.startsWith(prefix)) throw validation(`commandArn must be ${prefix}<commandId>.`);
  return commandArn.slice(prefix.length);
}

/** Binary parameter values, as text, so that the fingerprint sees them. */
function binaryFree(parameters: Record<string, CommandParameterValue> | undefined): string[] {
  return Object.entries(parameters ?? {}).flatMap(([name, value]) => (value.BIN === undefined ? [] : [`${name}:${Buffer.from(value.BIN).toString('base64')}`]));
}

function boundsOf(value: unknown, field: string): { after?: number; before?: number } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw validation(`${field} must be an object.`);
  const v = value as { after?: unknown; before?: unknown };
  const out: { after?: number; before?: number } = {};
  const after = timeBoundMs(v.after, `${field}.after`);
  const before = timeBoundMs(v.before, `${field}.before`);
  if (after !== undefined) out.after = after;
  if (before !== undefined) out.before = before;
  return out;
}

function within(ms: number, bounds: { after?: number; before?: number } | undefined): boolean {
  if (bounds === undefined) return true;
  return (bounds.after === undefined || ms >= bounds.after) && (bounds.before === undefined || ms <= bounds.before);
}

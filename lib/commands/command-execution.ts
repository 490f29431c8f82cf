/**
 * One command execution a device received: its payload, its `signal`
 * (aborted when its time is up, when the service says it is over, or when the
 * `Commands` is closed) and `reply()`.
 * @packageDocumentation
 */

import { assertTimeoutMs } from '../client/arguments.js';
import { InvalidArgumentError, JobsError } from '../errors.js';
import { decode as decodeCbor } from 'cborg';
import {
  COMMAND_DEVICE_STATUSES,
  isCommandDeviceStatus,
  isTerminalCommandStatus,
  isValidReasonCode,
  isValidReasonDescription,
  type CommandDeviceStatus,
  type CommandDeviceType,
} from '../protocol/commands/rules.js';
import type { CommandExecutionResult, CommandResponse, CommandStatusReason } from '../protocol/commands/shapes.js';
import type { CommandPayloadFormat } from '../protocol/commands/topics.js';
import { CommandRejectedError } from './command-errors.js';
import type { CommandCallOptions, CommandsClient, IncomingCommand } from './commands-client.js';

/** What `reply()` may add to the status. */
export interface CommandReplyDetails {
  /** Named results: each exactly one of `s` (string), `b` (boolean), `bin` (bytes). */
  result?: Record<string, CommandExecutionResult>;
  /** Why: `reasonCode` of `[A-Z0-9_-]{1,64}`, `reasonDescription` up to 1024 characters. */
  statusReason?: CommandStatusReason;
}

const CONTENT_TYPES: Readonly<Record<CommandPayloadFormat, string | undefined>> = { json: 'application/json', cbor: 'application/cbor', generic: undefined };

/** A command execution received by a device. */
export class CommandExecution {
  /** Status constants, Zerynth style. */
  static readonly IN_PROGRESS = 'IN_PROGRESS';
  /** The execution succeeded. */
  static readonly SUCCEEDED = 'SUCCEEDED';
  /** The execution failed. */
  static readonly FAILED = 'FAILED';
  /** The device refused the command. */
  static readonly REJECTED = 'REJECTED';
  /** The device gave up in time. */
  static readonly TIMED_OUT = 'TIMED_OUT';

  /** The execution id. */
  readonly executionId: string;
  /** The payload bytes as sent. */
  readonly payload: Buffer;
  /** The request topic's format: `json`, `cbor` or `generic`. */
  readonly format: CommandPayloadFormat;
  /** The content type: the MQTT 5 property when present, else the one the topic implies (`application/json`, `application/cbor`), else undefined. */
  readonly contentType: string | undefined;
  /** `things` or `clients`. */
  readonly deviceType: CommandDeviceType;
  /** The thing name or client id. */
  readonly deviceId: string;
  /** Aborted (with {@link CommandTimeoutError}, {@link CommandRejectedError} or {@link ConnectionClosedError}) when the device should stop working on it. */
  readonly signal: AbortSignal;
  /** The time the device has, in milliseconds: the MQTT 5 message expiry AWS sets, else the `executionTimeoutMs` option; undefined for no limit. */
  readonly timeoutMs: number | undefined;
  /** The last status the service accepted from this device, if any. */
  lastStatus: CommandDeviceStatus | undefined;

  private readonly controller = new AbortController();

  /** @internal Made by {@link Commands}. */
  constructor(
    private readonly client: CommandsClient,
    incoming: IncomingCommand,
    timeoutMs: number | undefined,
  ) {
    this.timeoutMs = timeoutMs;
    this.executionId = incoming.executionId;
    this.payload = incoming.payload;
    this.format = incoming.format;
    this.contentType = incoming.contentType ?? CONTENT_TYPES[incoming.format];
    this.deviceType = incoming.deviceType;
    this.deviceId = incoming.deviceId;
    this.signal = this.controller.signal;
  }

  /** True once a terminal status was accepted by the service. */
  get done(): boolean {
    return this.lastStatus !== undefined && isTerminalCommandStatus(this.lastStatus);
  }

  /**
   * The payload decoded: JSON text for `json`, CBOR for `cbor`.
   * @throws {@link JobsError} when it does not decode, or for a `generic` payload (read {@link CommandExecution.payload}).
   */
  decoded<T = unknown>(): T {
    try {
      if (this.format === 'json') return JSON.parse(this.payload.toString('utf8')) as T;
      if (this.format === 'cbor') return decodeCbor(this.payload) as T;
    } catch (error) {
      throw new JobsError(`the ${this.format} payload of execution ${this.executionId} does not decode`, { cause: error });
    }
    throw new JobsError(`execution ${this.executionId} has a ${this.contentType ?? 'generic'} payload: read .payload`);
  }

  /**
   * Reports a status (UpdateCommandExecution), in the request's format (CBOR
   * for CBOR requests, JSON otherwise), and waits for the service's reply.
   * @throws {@link InvalidArgumentError} before anything is sent for a bad status, reason or result.
   * @throws {@link CommandRejectedError} when the service rejects it (and aborts `signal` when it says the execution is over);
   *   {@link JobsTimeoutError}, {@link JobsAbortError}, {@link ConnectionClosedError}.
   */
  async reply(status: CommandDeviceStatus, details: CommandReplyDetails = {}, options: CommandCallOptions = {}): Promise<void> {
    const response = toResponse(status, details);
    if (options.timeoutMs !== undefined) assertTimeoutMs(options.timeoutMs);
    try {
      await this.client.respond(this.deviceType, this.deviceId, this.executionId, this.format === 'cbor' ? 'cbor' : 'json', response, options);
    } catch (error) {
      if (error instanceof CommandRejectedError && error.executionEnded && !this.done) this.abort(error);
      throw error;
    }
    this.lastStatus = status;
  }

  /** @internal Aborts the signal once. */
  abort(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

function toResponse(status: unknown, details: unknown): CommandResponse {
  if (!isCommandDeviceStatus(status)) throw new InvalidArgumentError('status', `one of ${COMMAND_DEVICE_STATUSES.join(', ')}`, status);
  if (typeof details !== 'object' || details === null) throw new InvalidArgumentError('details', 'an object', details);
  const { result, statusReason } = details as CommandReplyDetails;
  const response: CommandResponse = { status };
  if (statusReason !== undefined) {
    if (!isValidReasonCode(statusReason.reasonCode)) throw new InvalidArgumentError('statusReason.reasonCode', '1-64 characters of [A-Z0-9_-]', statusReason.reasonCode);
    if (statusReason.reasonDescription !== undefined && !isValidReasonDescription(statusReason.reasonDescription)) {
      throw new InvalidArgumentError('statusReason.reasonDescription', 'a string of at most 1024 characters', statusReason.reasonDescription);
    }
    response.statusReason = statusReason.reasonDescription === undefined ? { reasonCode: statusReason.reasonCode } : { ...statusReason };
  }
  if (result !== undefined) {
    if (typeof result !== 'object' || result === null) throw new InvalidArgumentError('result', 'an object of named values', result);
    for (const [name, value] of Object.entries(result)) {
      const kinds = [value.s !== undefined && typeof value.s === 'string', value.b !== undefined && typeof value.b === 'boolean', value.bin instanceof Uint8Array];
      const members = Object.values(value as object).filter((member) => member !== undefined).length;
      if (name === '' || members !== 1 || kinds.filter(Boolean).length !== 1) throw new InvalidArgumentError(`result.${name}`, 'exactly one of s (string), b (boolean), bin (Uint8Array)', value);
    }
    response.result = result;
  }
  return response;
}

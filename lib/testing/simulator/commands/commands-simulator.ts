/**
 * The AWS IoT Commands simulator (docs/commands.md): commands and command
 * executions with AWS's operations, statuses, timers on the simulator clock,
 * device topics in JSON and CBOR, status events, and fault injection. A
 * {@link JobsSimulator} owns one as `simulator.commands`, sharing its clock,
 * account and things.
 * @packageDocumentation
 */

import type { Aedes } from 'aedes';
import type { IClientOptions } from 'async-mqtt';
import type { CommandDeviceType } from '../../../protocol/commands/rules.js';
import type { CommandResponse } from '../../../protocol/commands/shapes.js';
import { systemClock, type SimulatorClock } from '../clock.js';
import { attachCommandsToAedes } from './attach-aedes.js';
import { attachCommandsExternal } from './attach-external.js';
import {
  createCommand,
  deleteCommand,
  getCommand,
  listCommands,
  updateCommand,
  type CreateCommandRequest,
  type CreateCommandResponse,
  type DeleteCommandResponse,
  type ListCommandsResponse,
  type GetCommandResponse,
  type ListCommandsRequest,
  type UpdateCommandRequest,
  type UpdateCommandResponse,
} from './control-commands.js';
import { CommandsCore, type CommandsSimulatorEvents } from './core.js';
import {
  deleteExecution,
  getExecution,
  listExecutions,
  respond,
  startExecution,
  type CommandDeviceResult,
  type GetCommandExecutionRequest,
  type ListCommandExecutionsResponse,
  type StartCommandExecutionResponse,
  type GetCommandExecutionResponse,
  type ListCommandExecutionsRequest,
  type StartCommandExecutionRequest,
} from './executions.js';
import { CommandFaults } from './faults.js';

/** Options of {@link CommandsSimulator}. */
export interface CommandsSimulatorOptions {
  /** @defaultValue {@link systemClock} */
  clock?: SimulatorClock;
  /** @defaultValue 'us-east-1' */
  region?: string;
  /** @defaultValue '123456789012' */
  accountId?: string;
  /** Whether a thing is registered (a thing target must be). @defaultValue every thing is */
  thingExists?: (thingName: string) => boolean;
}

/** The Commands service in process. Control methods throw `CommandsServiceError` (AWS's exception name in `code`). */
export class CommandsSimulator {
  /** Fault injection for requests, replies and responses. */
  readonly faults = new CommandFaults();
  private readonly core: CommandsCore;
  private readonly detachers = new Set<() => void>();
  private readonly externalDetachers = new Set<() => Promise<void>>();

  /** @param options - clock, region, account, thing registry. */
  constructor(options: CommandsSimulatorOptions = {}) {
    this.core = new CommandsCore(options.clock ?? systemClock, options.region ?? 'us-east-1', options.accountId ?? '123456789012', options.thingExists ?? (() => true));
  }

  /** The ARN of a thing target. */
  thingArn(thingName: string): string {
    return this.core.thingArn(thingName);
  }

  /** The ARN of an MQTT client target. */
  clientArn(clientId: string): string {
    return this.core.clientArn(clientId);
  }

  /** The ARN of a command. */
  commandArn(commandId: string): string {
    return this.core.commandArn(commandId);
  }

  /** CreateCommand (`AWS-IoT` namespace; a static payload or a JSON payload template). @throws `CommandsServiceError` ValidationException, ConflictException */
  createCommand(request: CreateCommandRequest): CreateCommandResponse {
    return createCommand(this.core, request);
  }

  /** GetCommand. @throws `CommandsServiceError` ResourceNotFoundException */
  getCommand(request: { commandId: string }): GetCommandResponse {
    return getCommand(this.core, request);
  }

  /** ListCommands. @throws `CommandsServiceError` ValidationException */
  listCommands(request: ListCommandsRequest = {}): ListCommandsResponse {
    return listCommands(this.core, request);
  }

  /** UpdateCommand. @throws `CommandsServiceError` */
  updateCommand(request: UpdateCommandRequest): UpdateCommandResponse {
    return updateCommand(this.core, request);
  }

  /** DeleteCommand. @throws `CommandsServiceError` ResourceNotFoundException */
  deleteCommand(request: { commandId: string }): DeleteCommandResponse {
    return deleteCommand(this.core, request);
  }

  /**
   * StartCommandExecution: creates the execution (CREATED), publishes the
   * request to the device and starts its `executionTimeoutSeconds` timer.
   * @throws `CommandsServiceError` ValidationException, ResourceNotFoundException, ConflictException (clientToken reused with other parameters)
   */
  startCommandExecution(request: StartCommandExecutionRequest): StartCommandExecutionResponse {
    return startExecution(this.core, request);
  }

  /** GetCommandExecution. @throws `CommandsServiceError` ResourceNotFoundException */
  getCommandExecution(request: GetCommandExecutionRequest): GetCommandExecutionResponse {
    return getExecution(this.core, request);
  }

  /** ListCommandExecutions. @throws `CommandsServiceError` ValidationException */
  listCommandExecutions(request: ListCommandExecutionsRequest = {}): ListCommandExecutionsResponse {
    return listExecutions(this.core, request);
  }

  /** DeleteCommandExecution (terminal executions only). @throws `CommandsServiceError` ResourceNotFoundException, ConflictException */
  deleteCommandExecution(request: { executionId: string; targetArn: string }): Record<string, never> {
    return deleteExecution(this.core, request);
  }

  /** A device's response, as if published on its response topic (transport-independent). */
  updateCommandExecution(deviceType: CommandDeviceType, deviceId: string, executionId: string, response: CommandResponse): CommandDeviceResult {
    return respond(this.core, deviceType, deviceId, executionId, response);
  }

  /** Listens to requests sent and status events published. @returns a function that removes the handler. */
  on<K extends keyof CommandsSimulatorEvents>(type: K, handler: (event: CommandsSimulatorEvents[K]) => void): () => void {
    this.core.events.on(type, handler);
    return () => this.core.events.off(type, handler);
  }

  /** @internal Serves Commands on an aedes broker; {@link JobsSimulator.attach} calls it. */
  attachToAedes(aedes: Aedes): () => void {
    const detach = attachCommandsToAedes(aedes, this.core, this.faults);
    const once = (): void => {
      if (this.detachers.delete(once)) detach();
    };
    this.detachers.add(once);
    return once;
  }

  /** @internal Serves Commands on an external broker; {@link JobsSimulator.attachToBroker} calls it. */
  async attachToBroker(url: string, options: IClientOptions = {}): Promise<() => Promise<void>> {
    const detach = await attachCommandsExternal(url, options, this.core, this.faults);
    const once = async (): Promise<void> => {
      if (this.externalDetachers.delete(once)) await detach();
    };
    this.externalDetachers.add(once);
    return once;
  }

  /** Cancels every timer and detaches. Safe to call twice. */
  async close(): Promise<void> {
    this.core.clearTimers();
    this.faults.clear();
    for (const detach of [...this.detachers]) detach();
    await Promise.all([...this.externalDetachers].map((detach) => detach()));
  }
}

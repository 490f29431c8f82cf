/**
 * The state the Commands operations share: commands, executions, idempotency
 * tokens, the clock, and the events the MQTT fronts publish.
 * @packageDocumentation
 */

import type { CommandExecutionEvent } from '../../../protocol/commands/shapes.js';
import type { CommandExecutionStatus } from '../../../protocol/commands/rules.js';
import { commandEventTopic, commandRequestTopic } from '../../../protocol/commands/topics.js';
import { createEmitter, type Emitter, type EventType } from '../../../util/emitter.js';
import type { SimulatorClock } from '../clock.js';
import type { CommandRecord, ExecutionRecord } from './model.js';

/** A request the simulator sends to a device. */
export interface CommandRequestEvent {
  /** The request topic. */
  topic: string;
  /** The payload bytes. */
  payload: Uint8Array;
  /** The execution. */
  executionId: string;
  /** The command. */
  commandId: string;
  /** The thing name or client id. */
  deviceId: string;
  /** The payload's content type. */
  contentType: string | undefined;
  /** The execution's timeout. */
  executionTimeoutSeconds: number;
}

/** A status event the simulator publishes. */
export interface CommandStatusEvent {
  /** `$aws/events/commandExecution/<commandId>/<status>`. */
  topic: string;
  /** The event payload. */
  payload: CommandExecutionEvent;
}

/** The events of the Commands simulator. */
export interface CommandsSimulatorEvents extends Record<EventType, unknown> {
  /** A request is to be delivered to a device. */
  request: CommandRequestEvent;
  /** An execution changed status. */
  event: CommandStatusEvent;
}

/** Every command and execution of one simulated account. */
export class CommandsCore {
  /** Commands by id. */
  readonly commands = new Map<string, CommandRecord>();
  /** Executions by id. */
  readonly executions = new Map<string, ExecutionRecord>();
  /** StartCommandExecution clientTokens: the fingerprint of the first request and its execution. */
  readonly tokens = new Map<string, { fingerprint: string; executionId: string }>();
  /** What the fronts publish. */
  readonly events: Emitter<CommandsSimulatorEvents> = createEmitter<CommandsSimulatorEvents>();
  private sequence = 0;

  /** @param clock - time and timers. @param region - the region. @param accountId - the account. @param thingExists - whether a thing target is registered. */
  constructor(
    readonly clock: SimulatorClock,
    readonly region: string,
    readonly accountId: string,
    readonly thingExists: (thingName: string) => boolean,
  ) {}

  /** The next creation sequence number. */
  nextSeq(): number {
    return ++this.sequence;
  }

  /** `arn:aws:iot:<region>:<account>:command/<commandId>`. */
  commandArn(commandId: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:command/${commandId}`;
  }

  /** `arn:aws:iot:<region>:<account>:thing/<thingName>`. */
  thingArn(thingName: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:thing/${thingName}`;
  }

  /** `arn:aws:iot:<region>:<account>:client/<clientId>`. */
  clientArn(clientId: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:client/${clientId}`;
  }

  /** Sends the execution's request to its device. */
  deliver(execution: ExecutionRecord): void {
    this.events.emit('request', {
      topic: commandRequestTopic(execution.deviceType, execution.deviceId, execution.executionId, execution.request.format),
      payload: execution.request.payload,
      executionId: execution.executionId,
      commandId: execution.command.commandId,
      deviceId: execution.deviceId,
      contentType: execution.request.contentType,
      executionTimeoutSeconds: execution.executionTimeoutSeconds,
    });
  }

  /** Publishes the execution's status event. */
  announce(execution: ExecutionRecord, status: CommandExecutionStatus): void {
    const payload: CommandExecutionEvent = {
      executionId: execution.executionId,
      status,
      eventType: 'COMMAND_EXECUTION',
      commandArn: execution.command.commandArn,
      targetArn: execution.targetArn,
      timestamp: this.clock.now(),
    };
    if (execution.statusReason !== undefined) payload.statusReason = { ...execution.statusReason };
    this.events.emit('event', { topic: commandEventTopic(execution.command.commandId, status), payload });
  }

  /** Cancels every execution timer. */
  clearTimers(): void {
    for (const execution of this.executions.values()) {
      if (execution.timerHandle !== undefined) this.clock.clearTimeout(execution.timerHandle);
      execution.timerHandle = undefined;
    }
  }
}

/**
 * The simulator's records of commands and command executions, and their
 * control-plane shapes (docs/commands.md §6, docs/commands.md §7).
 * @packageDocumentation
 */

import type { CommandExecutionResult, CommandStatusReason } from '../../../protocol/commands/shapes.js';
import type { CommandDeviceType, CommandExecutionStatus } from '../../../protocol/commands/rules.js';
import type { CommandPayloadFormat } from '../../../protocol/commands/topics.js';

/** A command namespace. The simulator runs `AWS-IoT` commands only. */
export type CommandNamespace = 'AWS-IoT' | 'AWS-IoT-FleetWise';

/** One typed parameter value (`S`, `B`, `I`, `L`, `D`, `BIN`, `UL`), as the API spells it. */
export interface CommandParameterValue {
  /** A string. */
  S?: string;
  /** A boolean. */
  B?: boolean;
  /** An integer. */
  I?: number;
  /** A long. */
  L?: number;
  /** A double. */
  D?: number;
  /** Bytes. */
  BIN?: Uint8Array;
  /** An unsigned long, as decimal text. */
  UL?: string;
}

/** A parameter a command declares (CreateCommand's `mandatoryParameters`). */
export interface CommandParameter {
  /** Its name, as the template's `${aws:iot:commandexecution::parameter:<name>}` names it. */
  name: string;
  /** The value used when StartCommandExecution gives none. */
  defaultValue?: CommandParameterValue;
  /** Free text. */
  description?: string;
  /** Kept and returned; not interpreted. */
  type?: string;
  /** Kept and returned; not interpreted. */
  value?: CommandParameterValue;
  /** Kept and returned; not enforced (docs/commands.md §9). */
  valueConditions?: unknown[];
}

/** A command's static payload. */
export interface CommandPayload {
  /** The bytes sent to the device. */
  content?: Uint8Array;
  /** Its content type; it picks the request topic (docs/commands.md §4). */
  contentType?: string;
}

/** How a payload template becomes the payload: JSON substitution, sent as JSON or CBOR. */
export interface CommandPreprocessor {
  /** JSON substitution of the template's placeholders. */
  awsJsonSubstitution?: {
    /** The format sent to the device. */
    outputFormat: 'JSON' | 'CBOR';
  };
}

/** A command, as kept by the simulator. */
export interface CommandRecord {
  commandId: string;
  commandArn: string;
  namespace: CommandNamespace;
  displayName?: string;
  description?: string;
  payload?: CommandPayload;
  payloadTemplate?: string;
  preprocessor?: CommandPreprocessor;
  mandatoryParameters?: CommandParameter[];
  roleArn?: string;
  createdAtMs: number;
  lastUpdatedAtMs: number;
  deprecated: boolean;
  seq: number;
}

/** A command execution, as kept by the simulator. */
export interface ExecutionRecord {
  executionId: string;
  command: CommandRecord;
  targetArn: string;
  deviceType: CommandDeviceType;
  deviceId: string;
  status: CommandExecutionStatus;
  statusReason?: CommandStatusReason;
  result?: Record<string, CommandExecutionResult>;
  parameters?: Record<string, CommandParameterValue>;
  executionTimeoutSeconds: number;
  createdAtMs: number;
  lastUpdatedAtMs: number;
  startedAtMs: number;
  completedAtMs?: number;
  /** True once the service timed it out (a device may still report a terminal status, docs/commands.md §6). */
  timedOutByService: boolean;
  /** The request as sent to the device. */
  request: { format: CommandPayloadFormat; payload: Uint8Array; contentType: string | undefined };
  timerHandle?: unknown;
  seq: number;
}

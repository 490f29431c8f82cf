/**
 * The message an execution sends to its device (docs/commands.md §4,
 * docs/commands.md §8): a static payload as given, or a JSON payload template
 * with `${aws:iot:commandexecution::parameter:<name>}` placeholders filled
 * from the execution's parameters (or the declared defaults) and sent as JSON
 * or CBOR.
 * @packageDocumentation
 */

import { encode as encodeCbor } from 'cborg';
import type { CommandPayloadFormat } from '../../../protocol/commands/topics.js';
import { validation } from './commands-error.js';
import type { CommandParameterValue, CommandRecord } from './model.js';

/** The request a device receives. */
export interface RequestMessage {
  /** The request topic's format. */
  format: CommandPayloadFormat;
  /** The bytes. */
  payload: Uint8Array;
  /** The content type (an MQTT 5 property on AWS; not carried by MQTT 3.1.1). */
  contentType: string | undefined;
}

const PLACEHOLDER = /\$\{aws:iot:commandexecution::parameter:([.$a-zA-Z0-9_-]{1,192})\}/g;

/** The request topic format a content type selects: JSON, CBOR, or the generic topic. */
export function formatOfContentType(contentType: string | undefined): CommandPayloadFormat {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/cbor') return 'cbor';
  return 'generic';
}

/**
 * Builds the request of an execution of `command`.
 * @throws ValidationException when a template parameter has no value or the filled template is not JSON.
 */
export function buildRequest(command: CommandRecord, parameters: Record<string, CommandParameterValue> | undefined): RequestMessage {
  if (command.payloadTemplate === undefined) {
    const contentType = command.payload?.contentType;
    return { format: formatOfContentType(contentType), payload: command.payload?.content ?? new Uint8Array(), contentType };
  }
  const defaults = new Map((command.mandatoryParameters ?? []).map((parameter) => [parameter.name, parameter.defaultValue]));
  const text = command.payloadTemplate.replace(PLACEHOLDER, (_match, name: string) => {
    const value = parameters?.[name] ?? defaults.get(name);
    if (value === undefined) throw validation(`The parameter ${name} of command ${command.commandId} has no value and no defaultValue.`);
    return valueText(value);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation(`The payload template of command ${command.commandId} is not JSON once its parameters are filled in.`);
  }
  if (command.preprocessor?.awsJsonSubstitution?.outputFormat === 'CBOR') {
    return { format: 'cbor', payload: encodeCbor(parsed), contentType: 'application/cbor' };
  }
  return { format: 'json', payload: new TextEncoder().encode(JSON.stringify(parsed)), contentType: 'application/json' };
}

function valueText(value: CommandParameterValue): string {
  if (value.S !== undefined) return value.S;
  if (value.B !== undefined) return String(value.B);
  if (value.I !== undefined) return String(value.I);
  if (value.L !== undefined) return String(value.L);
  if (value.D !== undefined) return String(value.D);
  if (value.UL !== undefined) return value.UL;
  if (value.BIN !== undefined) return Buffer.from(value.BIN).toString('base64');
  return '';
}

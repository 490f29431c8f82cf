/**
 * Run-time checks of Commands control-plane input (docs/commands.md §7). The
 * input may come from an HTTP body, so every type is checked; a failure is a
 * ValidationException.
 * @packageDocumentation
 */

import { isValidCommandClientId, isValidCommandId, type CommandDeviceType } from '../../../protocol/commands/rules.js';
import { isValidThingName } from '../../../protocol/rules.js';
import { validation } from './commands-error.js';
import type { CommandParameter, CommandParameterValue } from './model.js';

const NO_CONTROL = /^[^\p{C}]*$/u;

/** @throws ValidationException unless `value` is a commandId / executionId. */
export function idOf(value: unknown, field: string): string {
  if (!isValidCommandId(value)) throw validation(`${field} must be 1-64 characters of [a-zA-Z0-9_-].`);
  return value;
}

/** An optional string of at most `max` characters with no control characters. */
export function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max || !NO_CONTROL.test(value)) throw validation(`${field} must be at most ${max} characters with no control characters.`);
  return value;
}

/** An optional boolean. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validation(`${field} must be a boolean.`);
  return value;
}

/** An optional integer in `min..max`. */
export function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw validation(`${field} must be an integer in ${min}..${max}.`);
  return value;
}

/** One of `allowed`, or undefined. */
export function optionalEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw validation(`${field} must be one of ${allowed.join(', ')}.`);
  return value as T;
}

/** Bytes, as the TypeScript API takes them. */
export function optionalBytes(value: unknown, field: string): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Uint8Array)) throw validation(`${field} must be bytes.`);
  return value;
}

/** A parameter value with exactly one typed member. */
export function parameterValueOf(value: unknown, field: string): CommandParameterValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw validation(`${field} must be an object.`);
  const v = value as Record<string, unknown>;
  const present = Object.entries(v).filter(([, member]) => member !== undefined && member !== null);
  if (present.length !== 1) throw validation(`${field} must hold exactly one of S, B, I, L, D, BIN, UL.`);
  const [key, member] = present[0] as [string, unknown];
  switch (key) {
    case 'S':
      if (typeof member === 'string') return { S: member };
      break;
    case 'B':
      if (typeof member === 'boolean') return { B: member };
      break;
    case 'I':
    case 'L':
      if (typeof member === 'number' && Number.isInteger(member)) return { [key]: member };
      break;
    case 'D':
      if (typeof member === 'number' && Number.isFinite(member)) return { D: member };
      break;
    case 'BIN':
      if (member instanceof Uint8Array) return { BIN: member };
      break;
    case 'UL':
      if (typeof member === 'string' && /^\d{1,20}$/.test(member)) return { UL: member };
      break;
  }
  throw validation(`${field}.${key} has the wrong type.`);
}

/** A parameter map: names of `[.$a-zA-Z0-9_-]{1,192}`. */
export function optionalParameters(value: unknown, field: string): Record<string, CommandParameterValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw validation(`${field} must be an object.`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw validation(`${field} must not be empty.`);
  const out: Record<string, CommandParameterValue> = {};
  for (const [name, member] of entries) {
    if (!/^[.$a-zA-Z0-9_-]{1,192}$/.test(name)) throw validation(`${field} names must be 1-192 characters of [.$a-zA-Z0-9_-].`);
    out[name] = parameterValueOf(member, `${field}.${name}`);
  }
  return out;
}

/** `mandatoryParameters`: a list of `{ name, defaultValue?, ... }`. */
export function optionalParameterList(value: unknown): CommandParameter[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw validation('mandatoryParameters must be a list.');
  return value.map((item: unknown, index) => {
    const field = `mandatoryParameters[${index}]`;
    if (typeof item !== 'object' || item === null) throw validation(`${field} must be an object.`);
    const p = item as Record<string, unknown>;
    if (typeof p.name !== 'string' || !/^[.$a-zA-Z0-9_-]{1,192}$/.test(p.name)) throw validation(`${field}.name must be 1-192 characters of [.$a-zA-Z0-9_-].`);
    const parameter: CommandParameter = { name: p.name };
    if (p.defaultValue !== undefined && p.defaultValue !== null) parameter.defaultValue = parameterValueOf(p.defaultValue, `${field}.defaultValue`);
    if (p.value !== undefined && p.value !== null) parameter.value = parameterValueOf(p.value, `${field}.value`);
    const description = optionalText(p.description, `${field}.description`, 2028);
    if (description !== undefined) parameter.description = description;
    if (typeof p.type === 'string') parameter.type = p.type;
    if (Array.isArray(p.valueConditions)) parameter.valueConditions = p.valueConditions as unknown[];
    return parameter;
  });
}

/** A target ARN: `arn:aws:iot:<region>:<account>:thing/<name>` or `...:client/<clientId>`. */
export function targetOf(value: unknown, region: string, accountId: string): { deviceType: CommandDeviceType; deviceId: string } {
  if (typeof value !== 'string' || value.length > 2048) throw validation('targetArn must be a thing or client ARN.');
  const prefix = `arn:aws:iot:${region}:${accountId}:`;
  if (!value.startsWith(prefix)) throw validation(`targetArn must start with ${prefix}.`);
  const rest = value.slice(prefix.length);
  if (rest.startsWith('thing/') && isValidThingName(rest.slice(6))) return { deviceType: 'things', deviceId: rest.slice(6) };
  if (rest.startsWith('client/') && isValidCommandClientId(rest.slice(7))) return { deviceType: 'clients', deviceId: rest.slice(7) };
  throw validation('targetArn must name a thing (thing/<thingName>) or an MQTT client (client/<clientId>).');
}

/** A TimeFilter bound: ISO-8601 text or epoch seconds; undefined when absent. */
export function timeBoundMs(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw validation(`${field} must be an ISO-8601 time or epoch seconds.`);
}

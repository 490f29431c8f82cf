/**
 * Checks control-plane input by the AWS rules (docs/protocol.md §9, docs/protocol.md §11). The input
 * may come from an HTTP body, so every type is checked at run time; a failure
 * is an `InvalidRequestException`.
 * @packageDocumentation
 */

import { isValidJobId, isValidThingName } from '../../protocol/rules.js';
import { invalidRequest } from './simulator-error.js';

const NO_CONTROL = /^[^\p{C}]+$/u;
const REASON_CODE = /^[\p{Lu}\p{Nd}_]+$/u;

/** @throws {@link SimulatorError} InvalidRequestException unless `value` is a thing name. */
export function thingNameOf(value: unknown, field = 'thingName'): string {
  if (!isValidThingName(value)) throw invalidRequest(`${field} must be 1-128 characters of [a-zA-Z0-9:_-].`);
  return value;
}

/** @throws {@link SimulatorError} InvalidRequestException unless `value` is a job id. */
export function jobIdOf(value: unknown, field = 'jobId'): string {
  if (!isValidJobId(value)) throw invalidRequest(`${field} must be 1-64 characters of [a-zA-Z0-9_-].`);
  return value;
}

/** An optional string of at most `max` characters with no control characters. */
export function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max || !NO_CONTROL.test(value)) {
    throw invalidRequest(`${field} must be 1-${max} characters with no control characters.`);
  }
  return value;
}

/** An optional reasonCode: at most 128 of `[\p{Upper}\p{Digit}_]`. */
export function optionalReasonCode(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 128 || !REASON_CODE.test(value)) {
    throw invalidRequest('reasonCode must be 1-128 characters of [\\p{Upper}\\p{Digit}_].');
  }
  return value;
}

/** An optional boolean. */
export function optionalFlag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${field} must be a boolean.`);
  return value;
}

/** An optional integer within `[min, max]`. */
export function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidRequest(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** An optional value from a fixed list. */
export function optionalEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`${field} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** The request itself must be an object. */
export function requestFields(request: unknown): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw invalidRequest('The request must be an object.');
  return request as Record<string, unknown>;
}

/** AWS's AttributeName / AttributeValue pattern (things and thing groups alike). */
const ATTRIBUTE = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;

/** An `attributePayload` (CreateThing, CreateThingGroup): `{ attributes: { name: value } }`, checked by AWS's rules. */
export function readAttributePayload(payload: unknown): Record<string, string> {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object' || Array.isArray(payload)) throw invalidRequest('attributePayload must be an object.');
  const attributes = (payload as { attributes?: unknown }).attributes;
  if (attributes === undefined || attributes === null) return {};
  if (typeof attributes !== 'object' || Array.isArray(attributes)) throw invalidRequest('attributePayload.attributes must be an object.');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.length < 1 || key.length > 128 || !ATTRIBUTE.test(key) || typeof value !== 'string' || value.length > 800 || !ATTRIBUTE.test(value)) {
      throw invalidRequest(`Invalid attribute ${JSON.stringify(key.slice(0, 40))}.`);
    }
    out[key] = value;
  }
  return out;
}

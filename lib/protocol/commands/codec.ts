/**
 * Encoders and decoders of the Commands device messages (docs/commands.md §5)
 * in JSON and in CBOR (cborg, pure JS). Decoders check the shape of untrusted
 * payloads and return a {@link DecodeResult}; they never throw.
 * @packageDocumentation
 */

import { decode as decodeCbor, encode as encodeCbor } from 'cborg';
import { MAX_PAYLOAD_BYTES, type DecodeResult } from '../codec.js';
import { isCommandDeviceStatus } from './rules.js';
import type { CommandResponse, CommandResponseAccepted, CommandResponseRejected, CommandExecutionResult, CommandStatusReason } from './shapes.js';
import type { CommandResponseFormat } from './topics.js';

/** A decoded message: a map with string keys, values as JSON or CBOR gave them. */
export type CommandMessage = Record<string, unknown>;

/** Encodes `value` as the format's bytes; `Uint8Array` values become base64 text in JSON. `undefined` members are left out. */
export function encodeCommandMessage(format: CommandResponseFormat, value: object): Uint8Array {
  const clean = stripUndefined(value);
  if (format === 'cbor') return encodeCbor(clean);
  return new TextEncoder().encode(JSON.stringify(clean, (_key, member: unknown) => (member instanceof Uint8Array ? Buffer.from(member).toString('base64') : member)));
}

/** Reads a payload as a map with string keys: JSON text or CBOR. Over 128 KiB, malformed, or not a map is an error. */
export function readCommandMessage(format: CommandResponseFormat, payload: Uint8Array): DecodeResult<CommandMessage> {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${payload.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let value: unknown;
  try {
    value = format === 'cbor' ? decodeCbor(payload) : JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (error) {
    return { ok: false, error: `not valid ${format === 'cbor' ? 'CBOR' : 'UTF-8 JSON'}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isMap(value)) return { ok: false, error: 'not an object' };
  return { ok: true, value };
}

/** Encodes a device response (UpdateCommandExecution). */
export function encodeCommandResponse(format: CommandResponseFormat, response: CommandResponse): Uint8Array {
  return encodeCommandMessage(format, response);
}

/**
 * Decodes a device response. Result values may name their member `s`/`b`/`bin`
 * (device SDKs) or `S`/`B`/`BIN` (the API's spelling); `bin` may be bytes
 * (CBOR) or base64 text.
 */
export function decodeCommandResponse(format: CommandResponseFormat, payload: Uint8Array): DecodeResult<CommandResponse> {
  return decodeWith(format, payload, (message) => {
    const status = message.status;
    if (!isCommandDeviceStatus(status)) throw new Error('status must be IN_PROGRESS, SUCCEEDED, FAILED, REJECTED or TIMED_OUT');
    const response: CommandResponse = { status };
    if (message.statusReason !== undefined && message.statusReason !== null) response.statusReason = readStatusReason(message.statusReason);
    if (message.result !== undefined && message.result !== null) response.result = readResultMap(message.result);
    return response;
  });
}

/** Decodes an accepted reply. */
export function decodeCommandAccepted(format: CommandResponseFormat, payload: Uint8Array): DecodeResult<CommandResponseAccepted> {
  return decodeWith(format, payload, (message) => ({ executionId: stringMember(message, 'executionId') }));
}

/** Decodes a rejected reply. */
export function decodeCommandRejected(format: CommandResponseFormat, payload: Uint8Array): DecodeResult<CommandResponseRejected> {
  return decodeWith(format, payload, (message) => {
    const rejected: CommandResponseRejected = { error: stringMember(message, 'error') };
    if (typeof message.errorMessage === 'string') rejected.errorMessage = message.errorMessage;
    if (typeof message.executionId === 'string') rejected.executionId = message.executionId;
    return rejected;
  });
}

/** Reads `{ reasonCode, reasonDescription? }`. @throws Error on a bad shape. */
export function readStatusReason(value: unknown): CommandStatusReason {
  if (!isMap(value)) throw new Error('statusReason must be an object');
  const reason: CommandStatusReason = { reasonCode: stringMember(value, 'reasonCode') };
  if (value.reasonDescription !== undefined && value.reasonDescription !== null) {
    if (typeof value.reasonDescription !== 'string') throw new Error('statusReason.reasonDescription must be a string');
    reason.reasonDescription = value.reasonDescription;
  }
  return reason;
}

/** Reads a result map. @throws Error on a bad shape. */
export function readResultMap(value: unknown): Record<string, CommandExecutionResult> {
  if (!isMap(value)) throw new Error('result must be an object');
  const out: Record<string, CommandExecutionResult> = {};
  for (const [key, member] of Object.entries(value)) out[key] = readResult(member, key);
  return out;
}

function readResult(value: unknown, key: string): CommandExecutionResult {
  if (!isMap(value)) throw new Error(`result.${key} must be an object`);
  const s = value.s ?? value.S;
  const b = value.b ?? value.B;
  const bin = value.bin ?? value.BIN;
  const present = [s, b, bin].filter((member) => member !== undefined && member !== null).length;
  if (present !== 1) throw new Error(`result.${key} must hold exactly one of s, b, bin`);
  if (s !== undefined && s !== null) {
    if (typeof s !== 'string') throw new Error(`result.${key}.s must be a string`);
    return { s };
  }
  if (b !== undefined && b !== null) {
    if (typeof b !== 'boolean') throw new Error(`result.${key}.b must be a boolean`);
    return { b };
  }
  return { bin: readBytes(bin, `result.${key}.bin`) };
}

/** Bytes from CBOR bytes, base64 text, or an array of byte values. @throws Error otherwise. */
export function readBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0) return new Uint8Array(Buffer.from(value, 'base64'));
  if (Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && (byte as number) >= -128 && (byte as number) <= 255)) {
    return new Uint8Array(value.map((byte) => (byte as number) & 0xff));
  }
  throw new Error(`${path} must be bytes (base64 text in JSON)`);
}

function decodeWith<T>(format: CommandResponseFormat, payload: Uint8Array, read: (message: CommandMessage) => T): DecodeResult<T> {
  const message = readCommandMessage(format, payload);
  if (!message.ok) return message;
  try {
    return { ok: true, value: read(message.value) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function stringMember(message: CommandMessage, key: string): string {
  const value = message[key];
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value;
}

function isMap(value: unknown): value is CommandMessage {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function stripUndefined(value: unknown): unknown {
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(stripUndefined);
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = stripUndefined(member);
  return out;
}

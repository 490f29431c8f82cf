/**
 * Small readers that check the shape of untrusted JSON. They throw
 * {@link ShapeError}, which `decode*` functions catch and turn into a result:
 * nothing here may escape a message handler.
 * @packageDocumentation
 */

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Raised by the readers below; carries the path of the offending field. */
export class ShapeError extends Error {
  /** @param path - e.g. `execution.versionNumber`. @param expected - e.g. `an integer`. */
  constructor(path: string, expected: string) {
    super(`${path || 'payload'} must be ${expected}`);
    this.name = 'ShapeError';
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `value` as an object. */
export function objectAt(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new ShapeError(path, 'an object');
  return value;
}

/** Reads a required string field. */
export function stringField(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new ShapeError(join(path, key), 'a string');
  return value;
}

/** Reads an optional string field. */
export function optionalStringField(obj: JsonObject, key: string, path: string): string | undefined {
  return obj[key] === undefined ? undefined : stringField(obj, key, path);
}

/** Reads a required integer field (times, versions, counters). */
export function integerField(obj: JsonObject, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ShapeError(join(path, key), 'an integer');
  return value;
}

/** Reads an optional integer field. */
export function optionalIntegerField(obj: JsonObject, key: string, path: string): number | undefined {
  return obj[key] === undefined ? undefined : integerField(obj, key, path);
}

/** Reads an optional object field. */
export function optionalObjectField(obj: JsonObject, key: string, path: string): JsonObject | undefined {
  return obj[key] === undefined ? undefined : objectAt(obj[key], join(path, key));
}

/** Reads an optional map of strings (statusDetails). */
export function optionalStringMapField(obj: JsonObject, key: string, path: string): Record<string, string> | undefined {
  const map = optionalObjectField(obj, key, path);
  if (map === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) {
    if (typeof value !== 'string') throw new ShapeError(join(join(path, key), name), 'a string');
    out[name] = value;
  }
  return out;
}

/** Reads a required array field, mapping each element. */
export function arrayField<T>(obj: JsonObject, key: string, path: string, read: (item: unknown, path: string) => T): T[] {
  const value = obj[key];
  if (!Array.isArray(value)) throw new ShapeError(join(path, key), 'an array');
  return value.map((item, index) => read(item, `${join(path, key)}[${index}]`));
}

/** Joins a path and a key for error messages. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Assigns `value` to `target[key]` only when it is defined (exactOptionalPropertyTypes). */
export function setDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

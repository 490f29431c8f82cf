/**
 * Typed readers of query parameters. rest-json sends booleans as `true` /
 * `false` and numbers as decimal text; anything else is an
 * InvalidRequestException naming the parameter.
 * @packageDocumentation
 */

import { invalidRequest } from './http-error.js';

/**
 * Reads a boolean query parameter.
 * @throws {@link HttpError} 400 unless it is absent, `true` or `false`.
 */
export function queryBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Query parameter ${name} must be true or false, not ${JSON.stringify(value.slice(0, 40))}`);
}

/**
 * Reads an integer query parameter, `min` or more.
 * @throws {@link HttpError} 400 unless it is absent or a decimal integer of at least `min`.
 */
export function queryInteger(query: URLSearchParams, name: string, min = 0): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const number = /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw invalidRequest(`Query parameter ${name} must be an integer of at least ${min}, not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return number;
}

/** Reads a string query parameter. */
export function queryString(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

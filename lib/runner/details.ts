/**
 * Status details the runner writes itself (an error's message, a rejection's
 * reason), kept within AWS's rules (docs/protocol.md §7.5): no control or
 * format characters, at most 1024 characters, never empty.
 * @packageDocumentation
 */

import { LIMITS, statusDetailsProblem } from '../protocol/rules.js';
import type { StatusDetails } from '../protocol/shapes.js';

const NOT_ALLOWED = /\p{C}+/gu;

/** A text made fit for a statusDetails value. */
export function detailValue(text: string): string {
  const clean = text.replace(NOT_ALLOWED, ' ').trim();
  const value = clean === '' ? '(no message)' : clean;
  return value.length > LIMITS.statusDetailValueMaxLength ? `${value.slice(0, LIMITS.statusDetailValueMaxLength - 3)}...` : value;
}

/** `{ reason }` for a text. */
export function reasonDetails(text: string): StatusDetails {
  return { reason: detailValue(text) };
}

/** `{ reason }` for anything thrown. */
export function errorDetails(error: unknown): StatusDetails {
  return reasonDetails(error instanceof Error ? error.message || error.name : String(error));
}

/** Why these details cannot be sent, or `undefined` when they can. */
export function detailsProblem(details: unknown): string | undefined {
  const problem = statusDetailsProblem(details);
  return problem === undefined ? undefined : `${problem.field} must be ${problem.rule}`;
}

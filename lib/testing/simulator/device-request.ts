/**
 * Reads the fields of a device request (docs/protocol.md §4) from an untrusted,
 * already-parsed payload. Unknown fields are ignored; `null` reads as absent;
 * a wrong type is an `InvalidRequest`.
 * @packageDocumentation
 */

import { isDeviceStatus, isValidStepTimeout, LIMITS, statusDetailsProblem, type DeviceStatus } from '../../protocol/rules.js';
import type { SimulatorBehavior } from './behavior.js';

/** A reason to reject a request with `InvalidRequest`. */
export class RequestProblem extends Error {}

type Fields = Record<string, unknown>;

/** The request as an object, or a problem. An absent request reads as `{}`. */
export function requestObject(request: unknown): Fields {
  if (request === undefined || request === null) return {};
  if (typeof request !== 'object' || Array.isArray(request)) throw new RequestProblem('The request payload must be a JSON object.');
  return request as Fields;
}

/** Checks the clientToken (docs/protocol.md §13.16: at most 64 characters by default). */
export function checkClientToken(fields: Fields, behavior: SimulatorBehavior): void {
  const token = present(fields, 'clientToken');
  if (token === undefined) return;
  if (typeof token !== 'string') throw new RequestProblem('clientToken must be a string.');
  const max = behavior.clientTokenMaxLength;
  if (max !== undefined && token.length > max) throw new RequestProblem(`clientToken must be at most ${max} characters.`);
}

/** Reads an optional boolean. */
export function optionalBoolean(fields: Fields, key: string): boolean | undefined {
  const value = present(fields, key);
  if (value === undefined || typeof value === 'boolean') return value;
  throw new RequestProblem(`${key} must be a boolean.`);
}

/** Reads an optional non-negative integer (executionNumber). */
export function optionalCount(fields: Fields, key: string): number | undefined {
  const value = present(fields, key);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new RequestProblem(`${key} must be a non-negative integer.`);
}

/** Reads `expectedVersion`: a number or a numeric string (docs/protocol.md §3). */
export function optionalVersion(fields: Fields): number | undefined {
  const value = present(fields, 'expectedVersion');
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  throw new RequestProblem('expectedVersion must be a non-negative integer, as a number or a numeric string.');
}

/** Reads and validates `statusDetails` (docs/protocol.md §7.5). */
export function optionalStatusDetails(fields: Fields, behavior: SimulatorBehavior): Record<string, string> | undefined {
  const value = present(fields, 'statusDetails');
  if (value === undefined) return undefined;
  const problem = statusDetailsProblem(value);
  if (problem) throw new RequestProblem(`Invalid ${problem.field}: must be ${problem.rule}.`);
  const details = value as Record<string, string>;
  const max = behavior.maxStatusDetailsPairs;
  if (max !== undefined && Object.keys(details).length > max) throw new RequestProblem(`statusDetails may hold at most ${max} entries.`);
  return { ...details };
}

/** Reads `stepTimeoutInMinutes` (1..10080, or -1 on update). */
export function optionalStepTimeout(fields: Fields, allowCancel: boolean): number | undefined {
  const value = present(fields, 'stepTimeoutInMinutes');
  if (value === undefined) return undefined;
  if (isValidStepTimeout(value, allowCancel)) return value;
  const cancel = allowCancel ? `, or ${LIMITS.stepTimeoutCancel} to cancel the step timer` : '';
  throw new RequestProblem(`stepTimeoutInMinutes must be an integer from ${LIMITS.stepTimeoutMinMinutes} to ${LIMITS.stepTimeoutMaxMinutes}${cancel}.`);
}

/** Reads the required update `status`; only the statuses a device may set. */
export function requiredDeviceStatus(fields: Fields): DeviceStatus {
  const value = present(fields, 'status');
  if (value === undefined) throw new RequestProblem('status is required.');
  if (!isDeviceStatus(value)) throw new RequestProblem(`status must be one of IN_PROGRESS, SUCCEEDED, FAILED, REJECTED; got ${String(JSON.stringify(value)).slice(0, 40)}.`);
  return value;
}

function present(fields: Fields, key: string): unknown {
  const value = fields[key];
  return value === null ? undefined : value;
}

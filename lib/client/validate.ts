/**
 * Validation at the public boundary, by the AWS rules of protocol §9. Every
 * `assert*` throws {@link InvalidArgumentError} naming the field and the rule;
 * callers validate everything before they publish or subscribe anything, so
 * no user input can become a wildcard filter or another thing's topic.
 * @packageDocumentation
 */

import { InvalidArgumentError } from '../errors.js';

/** The job id that DescribeJobExecution reads as "the next pending execution". */
export const NEXT_JOB_ID = '$next';

/** Statuses a device may set with UpdateJobExecution. */
export const DEVICE_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED'] as const;

/** The AWS limits this library enforces, named after their source. */
export const LIMITS = {
  /** Longest thing name, in characters. */
  thingNameMaxLength: 128,
  /** Longest job id, in characters. */
  jobIdMaxLength: 64,
  /** Longest statusDetails key, in characters. */
  statusDetailKeyMaxLength: 128,
  /** Longest statusDetails value, in characters. */
  statusDetailValueMaxLength: 1024,
  /** Shortest step timeout, in minutes. */
  stepTimeoutMinMinutes: 1,
  /** Longest step timeout, in minutes (7 days). */
  stepTimeoutMaxMinutes: 10080,
  /** The step-timeout value that cancels the running step timer (update only). */
  stepTimeoutCancel: -1,
  /** Not documented for Jobs; AWS's C SDK refuses longer tokens (protocol §13.16). */
  clientTokenMaxLength: 64,
} as const;

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const JOB_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const DETAIL_KEY = /^[a-zA-Z0-9:_-]{1,128}$/;
const DETAIL_VALUE = /^[^\p{C}]+$/u;
const CONTROL = /\p{Cc}/u;

const THING_NAME_RULE = '1-128 characters of [a-zA-Z0-9:_-]';
const JOB_ID_RULE = '1-64 characters of [a-zA-Z0-9_-]';

/** True when `value` is a valid AWS thing name. */
export function isValidThingName(value: unknown): value is string {
  return typeof value === 'string' && THING_NAME.test(value);
}

/** True when `value` is a valid AWS job id (never `$next`). */
export function isValidJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a valid thing name. */
export function assertThingName(value: unknown, field = 'thingName'): asserts value is string {
  if (!isValidThingName(value)) throw new InvalidArgumentError(field, THING_NAME_RULE, value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a valid job id (`$next` is refused). */
export function assertJobId(value: unknown, field = 'jobId'): asserts value is string {
  if (!isValidJobId(value)) throw new InvalidArgumentError(field, JOB_ID_RULE, value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a job id or `$next` (DescribeJobExecution only). */
export function assertDescribeJobId(value: unknown, field = 'jobId'): asserts value is string {
  if (value !== NEXT_JOB_ID && !isValidJobId(value)) {
    throw new InvalidArgumentError(field, `${JOB_ID_RULE}, or $next`, value);
  }
}

/** A status a device may set with UpdateJobExecution. */
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** True when `value` is IN_PROGRESS, SUCCEEDED, FAILED or REJECTED. */
export function isDeviceStatus(value: unknown): value is DeviceStatus {
  return typeof value === 'string' && (DEVICE_STATUSES as readonly string[]).includes(value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a status a device may set. */
export function assertDeviceStatus(value: unknown, field = 'status'): asserts value is DeviceStatus {
  if (!isDeviceStatus(value)) throw new InvalidArgumentError(field, `one of ${DEVICE_STATUSES.join(', ')}`, value);
}

/**
 * Why `value` is not a valid statusDetails map, or `undefined` when it is.
 * Shared by the client (to refuse) and the simulator (to reject).
 */
export function statusDetailsProblem(value: unknown):
  | {
      /** The offending field: `statusDetails`, one of its keys, or `statusDetails.<key>`. */
      field: string;
      /** The rule the field broke, in words. */
      rule: string;
      /** The offending value. */
      value: unknown;
    }
  | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: 'statusDetails', rule: 'an object of string values', value };
  }
  for (const [key, detail] of Object.entries(value)) {
    if (!DETAIL_KEY.test(key)) {
      return { field: `statusDetails key ${JSON.stringify(key.slice(0, 40))}`, rule: '1-128 characters of [a-zA-Z0-9:_-]', value: key };
    }
    if (typeof detail !== 'string' || detail.length > LIMITS.statusDetailValueMaxLength || !DETAIL_VALUE.test(detail)) {
      return {
        field: `statusDetails.${key}`,
        rule: `a string of 1-${LIMITS.statusDetailValueMaxLength} characters with no control or format characters`,
        value: detail,
      };
    }
  }
  return undefined;
}

/** @throws {@link InvalidArgumentError} unless `value` is a valid statusDetails map. */
export function assertStatusDetails(value: unknown): asserts value is Record<string, string> {
  const problem = statusDetailsProblem(value);
  if (problem) throw new InvalidArgumentError(problem.field, problem.rule, problem.value);
}

/** True when `value` is a valid `stepTimeoutInMinutes` (`-1` only when `allowCancel`). */
export function isValidStepTimeout(value: unknown, allowCancel: boolean): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  if (allowCancel && value === LIMITS.stepTimeoutCancel) return true;
  return value >= LIMITS.stepTimeoutMinMinutes && value <= LIMITS.stepTimeoutMaxMinutes;
}

/**
 * @param allowCancel - true for UpdateJobExecution, where `-1` cancels the step timer.
 * @throws {@link InvalidArgumentError} unless `value` is an integer in 1..10080 (or -1 when allowed).
 */
export function assertStepTimeout(value: unknown, allowCancel: boolean, field = 'stepTimeoutInMinutes'): asserts value is number {
  if (!isValidStepTimeout(value, allowCancel)) {
    const rule = `an integer from ${LIMITS.stepTimeoutMinMinutes} to ${LIMITS.stepTimeoutMaxMinutes}${allowCancel ? ', or -1 to cancel the step timer' : ''}`;
    throw new InvalidArgumentError(field, rule, value);
  }
}

/** True when `value` is a usable clientToken: 1-64 characters, no control characters. */
export function isValidClientToken(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.clientTokenMaxLength && !CONTROL.test(value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a usable clientToken. */
export function assertClientToken(value: unknown, field = 'clientToken'): asserts value is string {
  if (!isValidClientToken(value)) {
    throw new InvalidArgumentError(field, `a string of 1-${LIMITS.clientTokenMaxLength} characters with no control characters`, value);
  }
}

/** @throws {@link InvalidArgumentError} unless `value` is a non-negative safe integer (versions, execution numbers). */
export function assertNonNegativeInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, 'a non-negative integer', value);
  }
}

/** @throws {@link InvalidArgumentError} unless `value` is a boolean. */
export function assertBoolean(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, 'true or false', value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a finite number of milliseconds, 0 or more. */
export function assertTimeoutMs(value: unknown, field = 'timeoutMs'): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(field, 'a number of milliseconds, 0 or more (Infinity for none)', value);
  }
}

/**
 * Argument checks at the public boundary, by the AWS rules of
 * docs/protocol.md §9 (`protocol/rules.ts`). Every `assert*` throws
 * {@link InvalidArgumentError} naming the field and the rule; callers check
 * everything before they publish or subscribe anything, so no user input can
 * become a wildcard filter or another thing's topic.
 * @packageDocumentation
 */

import { InvalidArgumentError } from '../errors.js';
import {
  NEXT_JOB_ID,
  DEVICE_STATUSES,
  LIMITS,
  THING_NAME_RULE,
  JOB_ID_RULE,
  isValidThingName,
  isValidJobId,
  isDeviceStatus,
  statusDetailsProblem,
  isValidStepTimeout,
  isValidClientToken,
  type DeviceStatus,
} from '../protocol/rules.js';

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

/** @throws {@link InvalidArgumentError} unless `value` is a status a device may set. */
export function assertDeviceStatus(value: unknown, field = 'status'): asserts value is DeviceStatus {
  if (!isDeviceStatus(value)) throw new InvalidArgumentError(field, `one of ${DEVICE_STATUSES.join(', ')}`, value);
}

/** @throws {@link InvalidArgumentError} unless `value` is a valid statusDetails map. */
export function assertStatusDetails(value: unknown): asserts value is Record<string, string> {
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError('statusDetails', 'a plain object of string values (not a Map, Date, boxed value or class instance)', value);
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (typeof key === 'symbol' || descriptor === undefined || !('value' in descriptor) || descriptor.enumerable !== true) {
      throw new InvalidArgumentError(`statusDetails.${String(key)}`, 'a plain enumerable data property (no getter, no symbol)', undefined);
    }
  }
  const problem = statusDetailsProblem(value);
  if (problem) throw new InvalidArgumentError(problem.field, problem.rule, problem.value);
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


/** True for `{...}` and `Object.create(null)` objects: no Map, Date, array, boxed primitive or class instance. */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null;
}

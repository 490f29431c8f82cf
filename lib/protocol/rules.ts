/**
 * The AWS rules of docs/protocol.md §9 as predicates and limits. Nothing here
 * throws: the client turns a `false` into an InvalidArgumentError
 * (`client/arguments.ts`), the simulator into a rejection.
 * @packageDocumentation
 */

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
  /** Not documented for Jobs; AWS's C SDK refuses longer tokens (docs/protocol.md §13.16). */
  clientTokenMaxLength: 64,
} as const;

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const JOB_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const DETAIL_KEY = /^[a-zA-Z0-9:_-]{1,128}$/;
const DETAIL_VALUE = /^[^\p{C}]+$/u;
const CONTROL = /\p{Cc}/u;

/** The thing-name rule, in words. */
export const THING_NAME_RULE = '1-128 characters of [a-zA-Z0-9:_-]';
/** The job-id rule, in words. */
export const JOB_ID_RULE = '1-64 characters of [a-zA-Z0-9_-]';

/** True when `value` is a valid AWS thing name. */
export function isValidThingName(value: unknown): value is string {
  return typeof value === 'string' && THING_NAME.test(value);
}

/** True when `value` is a valid AWS job id (never `$next`). */
export function isValidJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}

/** A status a device may set with UpdateJobExecution. */
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** True when `value` is IN_PROGRESS, SUCCEEDED, FAILED or REJECTED. */
export function isDeviceStatus(value: unknown): value is DeviceStatus {
  return typeof value === 'string' && (DEVICE_STATUSES as readonly string[]).includes(value);
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

/** True when `value` is a valid `stepTimeoutInMinutes` (`-1` only when `allowCancel`). */
export function isValidStepTimeout(value: unknown, allowCancel: boolean): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  if (allowCancel && value === LIMITS.stepTimeoutCancel) return true;
  return value >= LIMITS.stepTimeoutMinMinutes && value <= LIMITS.stepTimeoutMaxMinutes;
}

/** True when `value` is a usable clientToken: 1-64 characters, no control characters. */
export function isValidClientToken(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.clientTokenMaxLength && !CONTROL.test(value);
}

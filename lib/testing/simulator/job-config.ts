/**
 * The job options of CreateJob and UpdateJob that the simulator models
 * (docs/protocol.md §9, docs/protocol.md §11), read and checked by AWS's rules, and the
 * ones it refuses. Nothing is accepted and ignored: a member the simulator
 * does not model is an InvalidRequestException naming it.
 * @packageDocumentation
 */

import { invalidRequest } from './simulator-error.js';

/** `presignedUrlConfig`: how long the URLs AWS puts in the job document stay valid. */
export interface PresignedUrlConfig {
  /** The IAM role AWS would assume to sign the URLs; 20-2048 characters. */
  roleArn?: string;
  /** Validity of the URLs in seconds, 60-3600. AWS's default is 3600. */
  expiresInSec?: number;
}

/** A failure type that triggers a retry. */
export type RetryFailureType = 'FAILED' | 'TIMED_OUT' | 'ALL';

/** `jobExecutionsRetryConfig`: up to 10 retries in all (docs/protocol.md §9). */
export interface RetryConfig {
  /** One or two criteria, each for a distinct failure type. */
  criteriaList: Array<{
    /** Which terminal status is retried: FAILED, TIMED_OUT, or ALL (both). */
    failureType: RetryFailureType;
    /** How many retries (0-10) that failure type gets. */
    numberOfRetries: number;
  }>;
}

/** A failure type that counts toward an abort criterion. */
export type AbortFailureType = 'FAILED' | 'REJECTED' | 'TIMED_OUT' | 'ALL';

/** `abortConfig`: cancel the job when too many of its executions fail (docs/protocol.md §8). */
export interface AbortConfig {
  /** The criteria; any one met cancels the job. */
  criteriaList: Array<{
    /** Which terminal status counts as a failure. */
    failureType: AbortFailureType;
    /** The only action AWS offers: CANCEL. */
    action: 'CANCEL';
    /** The failure percentage (at most 100, two decimals) at which the job is canceled. */
    thresholdPercentage: number;
    /** How many executions must have ended before the criterion is evaluated; at least 1. */
    minNumberOfExecutedThings: number;
  }>;
}

/** What happens to a scheduled job at its `endTime`. */
export type JobEndBehavior = 'STOP_ROLLOUT' | 'CANCEL' | 'FORCE_CANCEL';

/** `schedulingConfig`, as CreateJob receives it and DescribeJob echoes it. */
export interface SchedulingConfig {
  /** `YYYY-MM-DDTHH:MM` (UTC): when the rollout starts; 30 minutes to one year ahead. */
  startTime?: string;
  /** `YYYY-MM-DDTHH:MM` (UTC): when the rollout ends; 30 minutes to two years after start. */
  endTime?: string;
  /** What happens at `endTime`. */
  endBehavior?: JobEndBehavior;
  /** Not modeled: refused with InvalidRequestException. */
  maintenanceWindows?: unknown[];
}

/** A resource tag. */
export interface JobTag {
  /** 1-128 characters. */
  Key: string;
  /** At most 256 characters. */
  Value?: string;
}

/** The modeled options a job keeps, as DescribeJob echoes them. */
export interface JobConfig {
  /** Echoed by DescribeJob. */
  presignedUrlConfig?: PresignedUrlConfig;
  /** Retries of FAILED / TIMED_OUT executions. */
  jobExecutionsRetryConfig?: RetryConfig;
  /** When the job cancels itself. */
  abortConfig?: AbortConfig;
  /** When the rollout starts and ends. */
  schedulingConfig?: SchedulingConfig;
  /** Kept for the record (the simulator serves no ListTagsForResource). */
  tags?: JobTag[];
  /** The custom template the job was created from. */
  jobTemplateArn?: string;
  /** How fast executions are released. */
  jobExecutionsRolloutConfig?: RolloutConfig;
}

/**
 * CreateJob / UpdateJob members the simulator does not model, with the reason
 * given in the refusal. Everything else in AWS's model (docs/protocol.md §11) is modeled.
 */
const UNMODELED: Readonly<Record<string, string>> = {
  namespaceId:
    'namespaces are not modeled by the simulator (AWS documents the namespaced notify topic only for AWS IoT Greengrass and gives no request/response topic forms); omit it',
  documentParameters: 'document parameters are only for AWS managed job templates, which the simulator does not model',
  destinationPackageVersions: 'software package versions are not modeled by the simulator; omit it',
};

/**
 * Refuses every member of `fields` that AWS defines but the simulator does
 * not model. A JSON null counts as absent, as in rest-json.
 * @throws {@link SimulatorError} InvalidRequestException naming the member.
 */
export function refuseUnmodeled(fields: Record<string, unknown>, operation: string): void {
  for (const [member, reason] of Object.entries(UNMODELED)) {
    if (fields[member] !== undefined && fields[member] !== null) throw invalidRequest(`${operation}: ${member} is not supported: ${reason}.`);
  }
}

function objectOf(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${field} must be an object.`);
  return value as Record<string, unknown>;
}

function integerIn(value: unknown, field: string, min: number, max: number, required: boolean): number | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidRequest(`${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidRequest(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw invalidRequest(`${field} must be one of ${allowed.join(', ')}.`);
  return value as T;
}

function listOf(value: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) throw invalidRequest(`${field} must be a list of ${min} to ${max} entries.`);
  return value as unknown[];
}

/** `presignedUrlConfig`: `roleArn` 20-2048 characters, `expiresInSec` 60-3600 (docs/protocol.md §9). */
export function readPresignedUrlConfig(value: unknown): PresignedUrlConfig | undefined {
  const fields = objectOf(value, 'presignedUrlConfig');
  if (!fields) return undefined;
  const out: PresignedUrlConfig = {};
  if (fields.roleArn !== undefined && fields.roleArn !== null) {
    if (typeof fields.roleArn !== 'string' || fields.roleArn.length < 20 || fields.roleArn.length > 2048) {
      throw invalidRequest('presignedUrlConfig.roleArn must be an IAM role ARN of 20-2048 characters.');
    }
    out.roleArn = fields.roleArn;
  }
  const expiresInSec = integerIn(fields.expiresInSec, 'presignedUrlConfig.expiresInSec', 60, 3600, false);
  if (expiresInSec !== undefined) out.expiresInSec = expiresInSec;
  return out;
}

/** Most retries a job may allow over all its criteria (docs/protocol.md §9). */
export const MAX_RETRIES = 10;

/** `jobExecutionsRetryConfig`: 1-2 criteria of distinct types, 0-10 retries each, at most 10 in all. */
export function readRetryConfig(value: unknown): RetryConfig | undefined {
  const fields = objectOf(value, 'jobExecutionsRetryConfig');
  if (!fields) return undefined;
  const list = listOf(fields.criteriaList, 'jobExecutionsRetryConfig.criteriaList', 1, 2);
  const criteriaList = list.map((entry, index) => {
    const field = `jobExecutionsRetryConfig.criteriaList[${index}]`;
    const criterion = objectOf(entry, field) ?? {};
    return {
      failureType: oneOf(criterion.failureType, `${field}.failureType`, ['FAILED', 'TIMED_OUT', 'ALL'] as const),
      numberOfRetries: integerIn(criterion.numberOfRetries, `${field}.numberOfRetries`, 0, MAX_RETRIES, true) ?? 0,
    };
  });
  const types = new Set(criteriaList.map((criterion) => criterion.failureType));
  if (types.size !== criteriaList.length) throw invalidRequest('jobExecutionsRetryConfig.criteriaList must not name a failureType twice.');
  if (types.has('ALL') && types.size > 1) throw invalidRequest('jobExecutionsRetryConfig.criteriaList: ALL already covers FAILED and TIMED_OUT; give it alone.');
  const total = criteriaList.reduce((sum, criterion) => sum + criterion.numberOfRetries, 0);
  if (total > MAX_RETRIES) throw invalidRequest(`jobExecutionsRetryConfig allows at most ${MAX_RETRIES} retries in all, not ${total}.`);
  return { criteriaList };
}

/** `abortConfig`: criteria with failureType, action CANCEL, thresholdPercentage ≤ 100 (two decimals), minNumberOfExecutedThings ≥ 1. */
export function readAbortConfig(value: unknown): AbortConfig | undefined {
  const fields = objectOf(value, 'abortConfig');
  if (!fields) return undefined;
  const list = listOf(fields.criteriaList, 'abortConfig.criteriaList', 1, 4);
  const criteriaList = list.map((entry, index) => {
    const field = `abortConfig.criteriaList[${index}]`;
    const criterion = objectOf(entry, field) ?? {};
    const threshold = criterion.thresholdPercentage;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100 || Math.abs(Math.round(threshold * 100) - threshold * 100) > 1e-6) {
      throw invalidRequest(`${field}.thresholdPercentage must be a number from 0 to 100 with at most two decimals.`);
    }
    return {
      failureType: oneOf(criterion.failureType, `${field}.failureType`, ['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'] as const),
      action: oneOf(criterion.action, `${field}.action`, ['CANCEL'] as const),
      thresholdPercentage: threshold,
      minNumberOfExecutedThings: integerIn(criterion.minNumberOfExecutedThings, `${field}.minNumberOfExecutedThings`, 1, Number.MAX_SAFE_INTEGER, true) ?? 1,
    };
  });
  return { criteriaList };
}

/** `tags`: at most 50, `Key` 1-128 characters, `Value` at most 256. */
export function readTags(value: unknown): JobTag[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = listOf(value, 'tags', 0, 50);
  return list.map((entry, index) => {
    const tag = objectOf(entry, `tags[${index}]`) ?? {};
    if (typeof tag.Key !== 'string' || tag.Key.length < 1 || tag.Key.length > 128) throw invalidRequest(`tags[${index}].Key must be 1-128 characters.`);
    if (tag.Value === undefined || tag.Value === null) return { Key: tag.Key };
    if (typeof tag.Value !== 'string' || tag.Value.length > 256) throw invalidRequest(`tags[${index}].Value must be at most 256 characters.`);
    return { Key: tag.Key, Value: tag.Value };
  });
}

/** `jobExecutionsRolloutConfig`. */
export interface RolloutConfig {
  /** Most targets notified per minute, 1-1000. */
  maximumPerMinute?: number;
  /** A rate that grows as criteria are met. */
  exponentialRate?: {
    /** Targets notified per minute at first, 1-1000. */
    baseRatePerMinute: number;
    /** Factor (1.1-5, one decimal) by which the rate grows. */
    incrementFactor: number;
    /** When the rate grows: after this many more targets were notified, or this many more succeeded. */
    rateIncreaseCriteria: {
      /** Notified targets since the last increase. */
      numberOfNotifiedThings?: number;
      /** Succeeded targets since the last increase. */
      numberOfSucceededThings?: number;
    };
  };
}


/** The highest rollout rate AWS accepts, per minute. */
export const ROLLOUT_MAX_RATE = 1000;

function rolloutInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw invalidRequest(`${field} must be an integer from ${min} to ${max}.`);
  return value;
}

/** Reads and checks `jobExecutionsRolloutConfig` by AWS's ranges. */
export function readRolloutConfig(value: unknown): RolloutConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('jobExecutionsRolloutConfig must be an object.');
  const fields = value as Record<string, unknown>;
  const out: RolloutConfig = {};
  const maximum = rolloutInteger(fields.maximumPerMinute, 'jobExecutionsRolloutConfig.maximumPerMinute', 1, ROLLOUT_MAX_RATE);
  if (maximum !== undefined) out.maximumPerMinute = maximum;
  if (fields.exponentialRate !== undefined && fields.exponentialRate !== null) {
    const rate = fields.exponentialRate as Record<string, unknown>;
    if (typeof rate !== 'object' || Array.isArray(rate)) throw invalidRequest('jobExecutionsRolloutConfig.exponentialRate must be an object.');
    const base = rolloutInteger(rate.baseRatePerMinute, 'jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute', 1, ROLLOUT_MAX_RATE);
    if (base === undefined) throw invalidRequest('jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute is required.');
    const factor = rate.incrementFactor;
    if (typeof factor !== 'number' || factor < 1.1 || factor > 5 || Math.abs(Math.round(factor * 10) - factor * 10) > 1e-9) {
      throw invalidRequest('jobExecutionsRolloutConfig.exponentialRate.incrementFactor must be from 1.1 to 5 with one decimal.');
    }
    const criteria = rate.rateIncreaseCriteria as Record<string, unknown> | undefined;
    if (typeof criteria !== 'object' || criteria === null || Array.isArray(criteria)) {
      throw invalidRequest('jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria is required.');
    }
    const notified = rolloutInteger(criteria.numberOfNotifiedThings, 'rateIncreaseCriteria.numberOfNotifiedThings', 1, Number.MAX_SAFE_INTEGER);
    const succeeded = rolloutInteger(criteria.numberOfSucceededThings, 'rateIncreaseCriteria.numberOfSucceededThings', 1, Number.MAX_SAFE_INTEGER);
    if ((notified === undefined) === (succeeded === undefined)) {
      throw invalidRequest('rateIncreaseCriteria must give exactly one of numberOfNotifiedThings and numberOfSucceededThings.');
    }
    out.exponentialRate = {
      baseRatePerMinute: base,
      incrementFactor: factor,
      rateIncreaseCriteria: notified === undefined ? { numberOfSucceededThings: succeeded ?? 1 } : { numberOfNotifiedThings: notified },
    };
  }
  return out;
}


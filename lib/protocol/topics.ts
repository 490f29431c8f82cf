/**
 * AWS IoT Jobs MQTT topics (docs/protocol.md §2.1). This is the only file that spells
 * `$aws/`. Builders expect names that already passed validation
 * (`rules.ts`); the parser checks every level itself, because its input
 * comes from the network.
 * @packageDocumentation
 */

import { InvalidArgumentError } from '../errors.js';
import { isValidJobId, isValidThingName, NEXT_JOB_ID } from './rules.js';

/** The four request/response operations of the Jobs MQTT API. */
export type JobsOperation = 'getPending' | 'startNext' | 'describe' | 'update';

/** The two notifications the service publishes through the broker. */
export type JobsNotification = 'notify' | 'notify-next';

/** What a topic under `$aws/things/<thing>/jobs/` is. */
export type ParsedJobsTopic =
  | {
      /** A request topic a device publishes to. */
      kind: 'request';
      /** The thing named in the topic. */
      thingName: string;
      /** The operation the topic belongs to. */
      operation: JobsOperation;
      /** The job id in the topic (possibly `$next` for describe); present only for describe and update. */
      jobId?: string;
    }
  | {
      /** A reply topic the service publishes to. */
      kind: 'accepted' | 'rejected';
      /** The thing named in the topic. */
      thingName: string;
      /** The operation the topic belongs to. */
      operation: JobsOperation;
      /** The job id in the topic (possibly `$next` for describe); present only for describe and update. */
      jobId?: string;
    }
  | {
      /** A notification topic the service publishes to. */
      kind: 'notification';
      /** The thing named in the topic. */
      thingName: string;
      /** Which notification the topic carries. */
      notification: JobsNotification;
    };

const PREFIX = '$aws/things/';
const JOBS_LEVEL = 'jobs';

/** `$aws/things/<thing>/jobs` — the root of one thing's Jobs topics. */
export function jobsRoot(thingName: string): string {
  return `${PREFIX}${thingName}/${JOBS_LEVEL}`;
}

/** GetPendingJobExecutions request: `$aws/things/<thing>/jobs/get`. */
export function getPendingTopic(thingName: string): string {
  return `${jobsRoot(thingName)}/get`;
}

/** StartNextPendingJobExecution request: `$aws/things/<thing>/jobs/start-next`. */
export function startNextTopic(thingName: string): string {
  return `${jobsRoot(thingName)}/start-next`;
}

/** DescribeJobExecution request: `$aws/things/<thing>/jobs/<jobId>/get` (`jobId` may be `$next`). */
export function describeTopic(thingName: string, jobId: string): string {
  return `${jobsRoot(thingName)}/${jobId}/get`;
}

/** UpdateJobExecution request: `$aws/things/<thing>/jobs/<jobId>/update`. */
export function updateTopic(thingName: string, jobId: string): string {
  return `${jobsRoot(thingName)}/${jobId}/update`;
}

/** JobExecutionsChanged notification: `$aws/things/<thing>/jobs/notify`. */
export function notifyTopic(thingName: string): string {
  return `${jobsRoot(thingName)}/notify`;
}

/** NextJobExecutionChanged notification: `$aws/things/<thing>/jobs/notify-next`. */
export function notifyNextTopic(thingName: string): string {
  return `${jobsRoot(thingName)}/notify-next`;
}

/** The topic of a request for `operation` (`jobId` is needed for describe and update). */
export function requestTopic(thingName: string, operation: JobsOperation, jobId?: string): string {
  switch (operation) {
    case 'getPending':
      return getPendingTopic(thingName);
    case 'startNext':
      return startNextTopic(thingName);
    case 'describe':
      return describeTopic(thingName, requireJobId(operation, jobId));
    case 'update':
      return updateTopic(thingName, requireJobId(operation, jobId));
  }
}

/** The accepted-reply topic of a request topic: request + `/accepted`. */
export function acceptedTopic(request: string): string {
  return `${request}/accepted`;
}

/** The rejected-reply topic of a request topic: request + `/rejected`. */
export function rejectedTopic(request: string): string {
  return `${request}/rejected`;
}

/**
 * The reply filter of a request topic: request + `/+`, which matches both
 * `/accepted` and `/rejected` with one subscription.
 */
export function replyFilter(request: string): string {
  return `${request}/+`;
}

/**
 * The filters that receive every reply and notification of one thing:
 * six filters, whatever the number of jobs. With `thingName` = `+` they
 * cover every thing on the connection (the gateway mode).
 */
export function thingFilters(thingName: string): string[] {
  const root = jobsRoot(thingName);
  return [
    `${root}/get/+`,
    `${root}/start-next/+`,
    `${root}/+/get/+`,
    `${root}/+/update/+`,
    `${root}/notify`,
    `${root}/notify-next`,
  ];
}

/** The filter any thing name fills in the gateway mode. */
export const ANY_THING = '+';

/**
 * Maps a topic to what it is, by level count, so that jobs named `get`,
 * `update`, `notify` or `start-next` parse right. Returns `undefined` for any
 * topic that is not a well-formed Jobs topic (including invalid thing names or
 * job ids).
 */
export function parseJobsTopic(topic: string): ParsedJobsTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const levels = topic.slice(PREFIX.length).split('/');
  const [thingName, jobs, ...rest] = levels;
  if (thingName === undefined || jobs !== JOBS_LEVEL || !isValidThingName(thingName)) return undefined;
  const [first, second, third] = rest;
  switch (rest.length) {
    case 1:
      return parseOneLevel(thingName, first);
    case 2:
      return parseTwoLevels(thingName, first, second);
    case 3:
      return parseThreeLevels(thingName, first, second, third);
    default:
      return undefined;
  }
}

function parseOneLevel(thingName: string, level: string | undefined): ParsedJobsTopic | undefined {
  if (level === 'get') return { kind: 'request', thingName, operation: 'getPending' };
  if (level === 'start-next') return { kind: 'request', thingName, operation: 'startNext' };
  if (level === 'notify' || level === 'notify-next') return { kind: 'notification', thingName, notification: level };
  return undefined;
}

function parseTwoLevels(thingName: string, first: string | undefined, second: string | undefined): ParsedJobsTopic | undefined {
  const reply = replyKind(second);
  if (reply !== undefined) {
    if (first === 'get') return { kind: reply, thingName, operation: 'getPending' };
    if (first === 'start-next') return { kind: reply, thingName, operation: 'startNext' };
    return undefined;
  }
  const operation = jobOperation(first, second);
  return operation && { kind: 'request', thingName, ...operation };
}

function parseThreeLevels(
  thingName: string,
  first: string | undefined,
  second: string | undefined,
  third: string | undefined,
): ParsedJobsTopic | undefined {
  const reply = replyKind(third);
  const operation = jobOperation(first, second);
  return reply && operation && { kind: reply, thingName, ...operation };
}

function replyKind(level: string | undefined): 'accepted' | 'rejected' | undefined {
  return level === 'accepted' || level === 'rejected' ? level : undefined;
}

/** `<jobId>/get` or `<jobId>/update`; `$next` only with `get` (docs/protocol.md §2). */
function jobOperation(
  jobId: string | undefined,
  verb: string | undefined,
): { operation: 'describe' | 'update'; jobId: string } | undefined {
  if (jobId === undefined) return undefined;
  if (verb === 'get' && (jobId === NEXT_JOB_ID || isValidJobId(jobId))) return { operation: 'describe', jobId };
  if (verb === 'update' && isValidJobId(jobId)) return { operation: 'update', jobId };
  return undefined;
}

function requireJobId(operation: JobsOperation, jobId: string | undefined): string {
  if (jobId === undefined) throw new InvalidArgumentError('jobId', `given for ${operation}`);
  return jobId;
}

/** The filter that receives every Jobs request (and reply) of every thing: `$aws/things/+/jobs/#`. */
export const JOBS_REQUEST_FILTER = `${PREFIX}+/${JOBS_LEVEL}/#`;

/**
 * True for a topic under `$aws/things/<thing>/jobs/` that a device may have
 * meant as a request: replies and notifications (which the service itself
 * publishes) are left alone.
 */
export function isJobsRequestCandidate(topic: string): boolean {
  if (!topic.startsWith(PREFIX)) return false;
  const levels = topic.slice(PREFIX.length).split('/');
  if (levels[1] !== JOBS_LEVEL) return false;
  const last = levels[levels.length - 1];
  if (levels.length > 2 && (last === 'accepted' || last === 'rejected')) return false;
  const parsed = parseJobsTopic(topic);
  return parsed === undefined || parsed.kind === 'request';
}

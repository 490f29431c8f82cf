/**
 * Control plane: jobs (CreateJob, DescribeJob, ListJobs, CancelJob, DeleteJob,
 * GetJobDocument; docs/protocol.md §8, docs/protocol.md §11).
 * @packageDocumentation
 */

import type { JsonObject } from '../../protocol/json.js';
import type { SimulatorCore } from './core.js';
import { ensureThing } from './control-things.js';
import {
  jobIdOf,
  optionalEnum,
  optionalFlag,
  optionalInteger,
  optionalReasonCode,
  optionalText,
  requestFields,
} from './control-validation.js';
import { cancelJobRecord } from './job-cancel.js';
import {
  readAbortConfig,
  readPresignedUrlConfig,
  readRetryConfig,
  readRolloutConfig,
  readTags,
  refuseUnmodeled,
  type AbortConfig,
  type JobConfig,
  type JobTag,
  type PresignedUrlConfig,
  type RetryConfig,
  type RolloutConfig,
  type SchedulingConfig,
} from './job-config.js';
import { JOB_STATUSES, type JobRecord, type JobStatus, type TargetSelection } from './model.js';
import { page } from './paging.js';
import { armSchedule, readSchedulingConfig } from './scheduling.js';
import { jobDescription, jobSummary, type JobDescription, type JobSummary } from './shapes.js';
import { invalidRequest, invalidTransition, notFound, SimulatorError } from './simulator-error.js';
import { readTargets, thingGroupArn } from './targets.js';
import { withTemplate } from './templates.js';
import { beginRollout } from './rollout.js';
import { parseS3Url } from './object-store.js';
import { DEFAULT_PRESIGNED_EXPIRY_SEC, PresignedUrls } from './presigned-urls.js';
import { reconcileContinuous } from './continuous-jobs.js';

/** CreateJob request (the members the simulator models). */
export interface CreateJobRequest {
  /** The new job's id: 1-64 characters of `[a-zA-Z0-9_-]`. */
  jobId: string;
  /** Thing names or thing ARNs. */
  targets: string[];
  /** The job document: JSON text holding an object, at most 32768 characters. */
  document?: string;
  /** Instead of `document`: an S3 URL (`https://s3.amazonaws.com/BUCKET/KEY`) of an object in the simulator's object store (`putObject`). */
  documentSource?: string;
  /** A free-text description, at most 2028 characters. */
  description?: string;
  /** @defaultValue 'SNAPSHOT' */
  targetSelection?: TargetSelection;
  /** The in-progress timer of every execution of the job; none when omitted. */
  timeoutConfig?: {
    /** Minutes (1-10080) an execution may stay IN_PROGRESS before it goes TIMED_OUT. */
    inProgressTimeoutInMinutes?: number;
  };
  /** How long the URLs that replace `${aws:iot:s3-presigned-url:...}` placeholders stay valid (default 3600 s). */
  presignedUrlConfig?: PresignedUrlConfig;
  /** Retries of FAILED / TIMED_OUT executions: a new execution with `executionNumber` + 1. */
  jobExecutionsRetryConfig?: RetryConfig;
  /** Cancels the job when too many executions fail. */
  abortConfig?: AbortConfig;
  /** Start and end of the rollout on the simulator's clock; maintenance windows are refused. */
  schedulingConfig?: SchedulingConfig;
  /** Checked and kept (the simulator serves no ListTagsForResource). */
  tags?: JobTag[];
  /** Releases executions at most `maximumPerMinute` per minute, or at an exponential rate, on the simulator's clock. */
  jobExecutionsRolloutConfig?: RolloutConfig;
  /** Not modeled: InvalidRequestException. */
  namespaceId?: string;
  /** A custom template (CreateJobTemplate): it supplies the document and the options this request does not give. */
  jobTemplateArn?: string;
  /** Not modeled: InvalidRequestException. */
  documentParameters?: Record<string, string>;
  /** Not modeled: InvalidRequestException. */
  destinationPackageVersions?: string[];
}

/** UpdateJob request: the members given replace the job's; the others stay. */
export interface UpdateJobRequest {
  /** The job to update. */
  jobId: string;
  /** A new description, at most 2028 characters. */
  description?: string;
  /** A new in-progress timeout; it applies to executions that start afterwards. */
  timeoutConfig?: {
    /** Minutes (1-10080). */
    inProgressTimeoutInMinutes?: number;
  };
  /** A new presigned URL configuration. */
  presignedUrlConfig?: PresignedUrlConfig;
  /** A new retry configuration; it applies to executions that end afterwards. */
  jobExecutionsRetryConfig?: RetryConfig;
  /** A new abort configuration; evaluated when the next execution ends. */
  abortConfig?: AbortConfig;
  /** A new rollout rate; it applies from the next minute's batch. */
  jobExecutionsRolloutConfig?: RolloutConfig;
  /** Not modeled: InvalidRequestException. */
  namespaceId?: string;
}

/** CreateJob / CancelJob response. */
export interface JobIdentity {
  /** The job's ARN. */
  jobArn: string;
  /** The job's id. */
  jobId: string;
  /** The job's description; present only if it has one. */
  description?: string;
}

/** DescribeJob response. */
export interface DescribeJobResponse {
  /** The S3 URL CreateJob read the document from; present only if it named one. */
  documentSource?: string;
  /** The job. */
  job: JobDescription;
}

/** ListJobs request. */
export interface ListJobsRequest {
  /** Lists only jobs in this status. */
  status?: JobStatus | 'SCHEDULED';
  /** Lists only jobs with this target selection. */
  targetSelection?: TargetSelection;
  /** Page size, 1-250; all matching jobs when omitted. */
  maxResults?: number;
  /** The `nextToken` of the previous page; omit for the first page. */
  nextToken?: string;
  /** Not modeled (no thing groups): InvalidRequestException. */
  thingGroupName?: string;
  /** Not modeled (no thing groups): InvalidRequestException. */
  thingGroupId?: string;
  /** Not modeled: InvalidRequestException. */
  namespaceId?: string;
}

/** ListJobs response; `nextToken` only when another page exists. */
export interface ListJobsResponse {
  /** This page of jobs, oldest first. */
  jobs: JobSummary[];
  /** The token of the next page; present only when another page exists. */
  nextToken?: string;
}

/** CancelJob request. */
export interface CancelJobRequest {
  /** The job to cancel. */
  jobId: string;
  /** Also cancel IN_PROGRESS executions (marking them force-canceled); defaults to false. */
  force?: boolean;
  /** A reason code to record: 1-128 characters of upper-case letters, digits and `_`. */
  reasonCode?: string;
  /** A comment to record, at most 2028 characters. */
  comment?: string;
}

/** DeleteJob request. */
export interface DeleteJobRequest {
  /** The job to delete. */
  jobId: string;
  /** Allow deleting an IN_PROGRESS job; defaults to false. */
  force?: boolean;
  /** Not modeled: InvalidRequestException. */
  namespaceId?: string;
}

/** AssociateTargetsWithJob request. */
export interface AssociateTargetsWithJobRequest {
  /** The CONTINUOUS job to add targets to. */
  jobId: string;
  /** Thing or thing-group ARNs (or thing names); at most 100 targets per job in all. */
  targets: string[];
  /** Why the targets were added, at most 2028 characters; DescribeJob shows it as `comment`. */
  comment?: string;
  /** Not modeled: InvalidRequestException. */
  namespaceId?: string;
}

/** Most targets a job may have through AssociateTargetsWithJob (docs/protocol.md §9). */
const MAX_ASSOCIATED_TARGETS = 100;
const MAX_DOCUMENT_LENGTH = 32768;
const MAX_DELETING_JOBS = 10;

/**
 * CreateJob: one QUEUED execution per target thing, with `notify` /
 * `notify-next` as docs/protocol.md §6; with `schedulingConfig.startTime` the job is
 * SCHEDULED and its executions are queued at the start.
 */
export function createJob(core: SimulatorCore, request: CreateJobRequest, autoCreateThings: boolean): JobIdentity {
  const given = requestFields(request);
  const jobId = jobIdOf(given.jobId);
  refuseUnmodeled(given, 'CreateJob');
  const fields = withTemplate(core, given);
  const source = readDocumentSource(core, fields.document, fields.documentSource);
  const { text, parsed } = readDocument(source.document);
  const description = optionalText(fields.description, 'description', 2028);
  const targetSelection = optionalEnum(fields.targetSelection, 'targetSelection', ['SNAPSHOT', 'CONTINUOUS'] as const) ?? 'SNAPSHOT';
  const timeout = readTimeoutConfig(fields.timeoutConfig);
  const nowMs = core.clock.now();
  const config = readConfig(fields);
  const schedule = readSchedulingConfig(fields.schedulingConfig, nowMs);
  if (schedule) config.schedulingConfig = schedule.config;
  const tags = readTags(fields.tags);
  if (tags) config.tags = tags;
  if (typeof given.jobTemplateArn === 'string') config.jobTemplateArn = given.jobTemplateArn;
  const { arns, thingNames } = readTargets(core, fields.targets);
  const existing = core.store.jobs.get(jobId);
  if (existing) {
    throw new SimulatorError('ResourceAlreadyExistsException', `Job ${jobId} already exists.`, { resourceId: jobId, resourceArn: existing.jobArn });
  }
  for (const thingName of thingNames) {
    if (autoCreateThings) ensureThing(core, thingName);
    else if (!core.store.things.has(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
  }
  const scheduled = schedule?.startMs !== undefined;
  const job: JobRecord = {
    jobId,
    jobArn: core.store.jobArn(jobId),
    document: text,
    parsedDocument: parsed,
    documentSource: source.documentSource,
    renderDocument: PresignedUrls.hasPlaceholder(text) ? (protocol) => renderWithUrls(core, job, protocol) : undefined,
    description,
    targetSelection,
    targets: arns,
    inProgressTimeoutInMinutes: timeout,
    config,
    unreleasedTargets: [...thingNames],
    previousExecutions: new Map(),
    status: scheduled ? 'SCHEDULED' : 'IN_PROGRESS',
    forceCanceled: undefined,
    reasonCode: undefined,
    comment: undefined,
    createdAtMs: nowMs,
    lastUpdatedAtMs: nowMs,
    completedAtMs: undefined,
    executions: new Map(),
  };
  core.store.addJob(job);
  if (!scheduled) beginRollout(core, job, nowMs);
  if (schedule) armSchedule(core, job, schedule);
  return identity(job);
}

/** Checks template members by CreateJob's rules (document, options), without creating anything. */
export function checkJobMembers(core: SimulatorCore, members: Record<string, unknown>): void {
  const source = readDocumentSource(core, members.document, members.documentSource);
  readDocument(source.document);
  readTimeoutConfig(members.timeoutConfig);
  readConfig(members);
}

/**
 * UpdateJob: replaces the given members (docs/protocol.md §11). A new timeout applies
 * to executions that start afterwards; new retry and abort configurations to
 * executions that end afterwards.
 */
export function updateJob(core: SimulatorCore, request: UpdateJobRequest): Record<string, never> {
  const job = findJob(core, request);
  const fields = requestFields(request);
  refuseUnmodeled(fields, 'UpdateJob');
  const description = optionalText(fields.description, 'description', 2028);
  const timeout = readTimeoutConfig(fields.timeoutConfig);
  const config = readConfig(fields);
  if (job.status === 'DELETION_IN_PROGRESS') throw invalidTransition(`Job ${job.jobId} is being deleted.`);
  if (description !== undefined) job.description = description;
  if (timeout !== undefined) job.inProgressTimeoutInMinutes = timeout;
  job.config = { ...job.config, ...config };
  job.lastUpdatedAtMs = core.clock.now();
  return {};
}

/** DescribeJob. */
export function describeJob(core: SimulatorCore, request: { jobId: string }): DescribeJobResponse {
  const job = findJob(core, request);
  const description = jobDescription(job, (thingName) => core.store.thingArn(thingName));
  return job.documentSource === undefined ? { job: description } : { documentSource: job.documentSource, job: description };
}

/** GetJobDocument: the document text as it was given. */
export function getJobDocument(core: SimulatorCore, request: { jobId: string }): { document: string } {
  return { document: findJob(core, request).document };
}

/** ListJobs, oldest first, with the status and targetSelection filters and paging. */
export function listJobs(core: SimulatorCore, request: ListJobsRequest = {}): ListJobsResponse {
  const fields = requestFields(request);
  refuseUnmodeled({ namespaceId: fields.namespaceId }, 'ListJobs');
  const status = optionalEnum(fields.status, 'status', JOB_STATUSES);
  const targetSelection = optionalEnum(fields.targetSelection, 'targetSelection', ['SNAPSHOT', 'CONTINUOUS'] as const);
  const groupArn = groupFilter(core, fields.thingGroupName, fields.thingGroupId);
  const matching = [...core.store.jobs.values()].filter(
    (job) =>
      (status === undefined || job.status === status) &&
      (targetSelection === undefined || job.targetSelection === targetSelection) &&
      (groupArn === undefined || job.targets.includes(groupArn)),
  );
  const { items, nextToken } = page(matching, fields.maxResults, fields.nextToken);
  const out: ListJobsResponse = { jobs: items.map(jobSummary) };
  if (nextToken !== undefined) out.nextToken = nextToken;
  return out;
}

/**
 * CancelJob: the job becomes CANCELED; QUEUED executions become CANCELED;
 * IN_PROGRESS ones too only with `force` (docs/protocol.md §8). A canceled job may be
 * canceled again, e.g. with `force` to end its IN_PROGRESS executions.
 */
export function cancelJob(core: SimulatorCore, request: CancelJobRequest): JobIdentity {
  const job = findJob(core, request);
  const fields = requestFields(request);
  const force = optionalFlag(fields.force, 'force') ?? false;
  const reasonCode = optionalReasonCode(fields.reasonCode);
  const comment = optionalText(fields.comment, 'comment', 2028);
  if (job.status === 'COMPLETED' || job.status === 'DELETION_IN_PROGRESS') {
    throw invalidTransition(`Job ${job.jobId} is ${job.status} and cannot be canceled.`);
  }
  cancelJobRecord(core, job, { force, reasonCode, comment }, core.clock.now());
  return identity(job);
}

/**
 * DeleteJob: the job becomes DELETION_IN_PROGRESS at once (its executions
 * vanish from the device's view, with their notifications), then disappears
 * `behavior.deletionDelayMs` later on the simulator clock (default 0: the next
 * timer tick). Without `force` only a COMPLETED or CANCELED job may be deleted.
 */
export function deleteJob(core: SimulatorCore, request: DeleteJobRequest): void {
  const job = findJob(core, request);
  refuseUnmodeled({ namespaceId: requestFields(request).namespaceId }, 'DeleteJob');
  const force = optionalFlag(requestFields(request).force, 'force') ?? false;
  if (job.status === 'DELETION_IN_PROGRESS') throw invalidTransition(`Job ${job.jobId} is already being deleted.`);
  if ((job.status === 'IN_PROGRESS' || job.status === 'SCHEDULED') && !force) {
    throw invalidTransition(`Job ${job.jobId} is ${job.status}; only a COMPLETED or CANCELED job can be deleted without force.`);
  }
  let deleting = 0;
  for (const other of core.store.jobs.values()) if (other.status === 'DELETION_IN_PROGRESS') deleting += 1;
  if (deleting >= MAX_DELETING_JOBS) throw new SimulatorError('LimitExceededException', `At most ${MAX_DELETING_JOBS} jobs may be in DELETION_IN_PROGRESS.`);
  const nowMs = core.clock.now();
  core.notifier.track(job.executions.keys(), () => {
    job.status = 'DELETION_IN_PROGRESS';
    job.lastUpdatedAtMs = nowMs;
    job.unreleasedTargets.length = 0;
    for (const execution of job.executions.values()) core.timers.clear(execution);
  });
  core.later(() => {
    core.store.removeJob(job);
  }, core.behavior.deletionDelayMs);
}

/**
 * AssociateTargetsWithJob: adds targets to a CONTINUOUS job in progress (at
 * most 100 in all, docs/protocol.md §9); things they stand for that have no execution
 * get one, with notifications.
 */
export function associateTargetsWithJob(core: SimulatorCore, request: AssociateTargetsWithJobRequest): JobIdentity {
  const job = findJob(core, request);
  const fields = requestFields(request);
  refuseUnmodeled({ namespaceId: fields.namespaceId }, 'AssociateTargetsWithJob');
  const comment = optionalText(fields.comment, 'comment', 2028);
  const { arns, thingNames } = readTargets(core, fields.targets, MAX_ASSOCIATED_TARGETS);
  if (job.targetSelection !== 'CONTINUOUS') throw invalidRequest(`Job ${job.jobId} is a SNAPSHOT job; targets can be added only to a CONTINUOUS job.`);
  if (job.status !== 'IN_PROGRESS') throw invalidTransition(`Job ${job.jobId} is ${job.status}; targets can be added only to a job in progress.`);
  const added = arns.filter((arn) => !job.targets.includes(arn));
  if (job.targets.length + added.length > MAX_ASSOCIATED_TARGETS) throw new SimulatorError('LimitExceededException', `A job may have at most ${MAX_ASSOCIATED_TARGETS} targets.`);
  for (const thingName of thingNames) if (!core.store.things.has(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
  job.targets.push(...added);
  if (comment !== undefined) job.comment = comment;
  job.lastUpdatedAtMs = core.clock.now();
  for (const thingName of thingNames) reconcileContinuous(core, job, thingName, job.lastUpdatedAtMs);
  return identity(job);
}

/** The ARN of the group a ListJobs filter names; undefined without one. */
function groupFilter(core: SimulatorCore, name: unknown, id: unknown): string | undefined {
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || name.length < 1 || name.length > 128) throw invalidRequest('thingGroupName must be 1-128 characters.');
    return thingGroupArn(core, name);
  }
  if (id !== undefined && id !== null) {
    if (typeof id !== 'string' || id.length < 1 || id.length > 128) throw invalidRequest('thingGroupId must be 1-128 characters.');
    const group = core.groups.byId(id);
    return group ? group.thingGroupArn : `no group with id ${id}`;
  }
  return undefined;
}

/** The job named by `request.jobId`. @throws {@link SimulatorError} ResourceNotFoundException. */
export function findJob(core: SimulatorCore, request: { jobId: string }): JobRecord {
  const jobId = jobIdOf(requestFields(request).jobId);
  const job = core.store.jobs.get(jobId);
  if (!job) throw notFound(`Job ${jobId} cannot be found.`);
  return job;
}

function identity(job: JobRecord): JobIdentity {
  const out: JobIdentity = { jobArn: job.jobArn, jobId: job.jobId };
  if (job.description !== undefined) out.description = job.description;
  return out;
}

/** `document` or `documentSource` (exactly one): the S3 URL is read from the simulator's object store. */
function readDocumentSource(core: SimulatorCore, document: unknown, documentSource: unknown): { document: unknown; documentSource: string | undefined } {
  if (documentSource === undefined || documentSource === null) return { document, documentSource: undefined };
  if (document !== undefined && document !== null) throw invalidRequest('Give either document or documentSource, not both.');
  if (typeof documentSource !== 'string' || documentSource.length < 1 || documentSource.length > 1350) {
    throw invalidRequest('documentSource must be an S3 URL of 1-1350 characters.');
  }
  // CreateJobTemplate documents its documentSource in the placeholder form; CreateJob as a plain S3 URL. Both are read.
  const target = parseS3Url(/^\$\{aws:iot:s3-presigned-url:(.+)\}$/.exec(documentSource)?.[1] ?? documentSource);
  if (!target) throw invalidRequest(`documentSource must be an S3 URL such as https://s3.amazonaws.com/BUCKET/KEY, not ${JSON.stringify(documentSource.slice(0, 100))}.`);
  const object = core.objects.get(target.bucket, target.key);
  if (!object) throw invalidRequest(`documentSource: the object ${target.bucket}/${target.key} does not exist in the simulator's object store (putObject it first).`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(object.body);
  } catch {
    throw invalidRequest(`documentSource: the object ${target.bucket}/${target.key} is not UTF-8 text.`);
  }
  return { document: text, documentSource };
}

/** The document with every presigned-URL placeholder replaced by a fresh URL. */
function renderWithUrls(core: SimulatorCore, job: JobRecord, protocol: 'mqtt' | 'http'): JsonObject | string {
  const text = core.presigned.substitute(job.document, job.config.presignedUrlConfig?.expiresInSec ?? DEFAULT_PRESIGNED_EXPIRY_SEC);
  return protocol === 'http' ? text : (JSON.parse(text) as JsonObject);
}

/** The modeled options common to CreateJob and UpdateJob; only those given. */
function readConfig(fields: Record<string, unknown>): JobConfig {
  const config: JobConfig = {};
  const presignedUrlConfig = readPresignedUrlConfig(fields.presignedUrlConfig);
  if (presignedUrlConfig) config.presignedUrlConfig = presignedUrlConfig;
  const retry = readRetryConfig(fields.jobExecutionsRetryConfig);
  if (retry) config.jobExecutionsRetryConfig = retry;
  const abort = readAbortConfig(fields.abortConfig);
  if (abort) config.abortConfig = abort;
  const rollout = readRolloutConfig(fields.jobExecutionsRolloutConfig);
  if (rollout) config.jobExecutionsRolloutConfig = rollout;
  return config;
}

function readDocument(document: unknown): { text: string; parsed: JsonObject } {
  if (typeof document !== 'string' || document.length === 0 || document.length > MAX_DOCUMENT_LENGTH) {
    throw invalidRequest(`document is required: JSON text of 1-${MAX_DOCUMENT_LENGTH} characters.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw invalidRequest('The job document is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidRequest('The job document must be a JSON object.');
  const bad = PresignedUrls.badPlaceholders(document);
  if (bad.length > 0) {
    throw invalidRequest(`document: the presigned-URL placeholder ${JSON.stringify(bad[0])} is not an S3 URL of the form https://s3.amazonaws.com/BUCKET/KEY.`);
  }
  // Frozen, so that every notification can share it instead of cloning it.
  return { text: document, parsed: deepFreeze(parsed as JsonObject) };
}

function readTimeoutConfig(config: unknown): number | undefined {
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'object' || Array.isArray(config)) throw invalidRequest('timeoutConfig must be an object.');
  return optionalInteger((config as { inProgressTimeoutInMinutes?: unknown }).inProgressTimeoutInMinutes, 'timeoutConfig.inProgressTimeoutInMinutes', 1, 10080);
}

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) if (typeof member === 'object' && member !== null) deepFreeze(member as object);
  return Object.freeze(value);
}

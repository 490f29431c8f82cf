/**
 * Control plane: jobs (CreateJob, DescribeJob, ListJobs, CancelJob, DeleteJob,
 * GetJobDocument; docs/protocol.md §8, docs/protocol.md §11).
 * @packageDocumentation
 */

import type { JsonObject } from '../../protocol/json.js';
import { isValidThingName } from '../../protocol/rules.js';
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
import { JOB_STATUSES, type ExecutionRecord, type JobRecord, type JobStatus, type TargetSelection } from './model.js';
import { page } from './paging.js';
import { jobDescription, jobSummary, type JobDescription, type JobSummary } from './shapes.js';
import { invalidRequest, invalidTransition, notFound, SimulatorError } from './simulator-error.js';

/** CreateJob request (the members the simulator models). */
export interface CreateJobRequest {
  /** The new job's id: 1-64 characters of `[a-zA-Z0-9_-]`. */
  jobId: string;
  /** Thing names or thing ARNs. */
  targets: string[];
  /** The job document: JSON text holding an object, at most 32768 characters. */
  document?: string;
  /** Not supported by the simulator (it has no S3): InvalidRequestException. */
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
  /** The job document's S3 URL; never set, as the simulator has no S3. */
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
}

const MAX_DOCUMENT_LENGTH = 32768;
const MAX_DELETING_JOBS = 10;

/** CreateJob: one QUEUED execution per target thing; `notify` / `notify-next` as docs/protocol.md §6. */
export function createJob(core: SimulatorCore, request: CreateJobRequest, autoCreateThings: boolean): JobIdentity {
  const fields = requestFields(request);
  const jobId = jobIdOf(fields.jobId);
  const { text, parsed } = readDocument(fields.document, fields.documentSource);
  const description = optionalText(fields.description, 'description', 2028);
  const targetSelection = optionalEnum(fields.targetSelection, 'targetSelection', ['SNAPSHOT', 'CONTINUOUS'] as const) ?? 'SNAPSHOT';
  const timeout = readTimeoutConfig(fields.timeoutConfig);
  const thingNames = readTargets(core, fields.targets);
  const existing = core.store.jobs.get(jobId);
  if (existing) {
    throw new SimulatorError('ResourceAlreadyExistsException', `Job ${jobId} already exists.`, { resourceId: jobId, resourceArn: existing.jobArn });
  }
  for (const thingName of thingNames) {
    if (autoCreateThings) ensureThing(core, thingName);
    else if (!core.store.things.has(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
  }
  const nowMs = core.clock.now();
  const job: JobRecord = {
    jobId,
    jobArn: core.store.jobArn(jobId),
    document: text,
    parsedDocument: parsed,
    description,
    targetSelection,
    targets: thingNames.map((thingName) => core.store.thingArn(thingName)),
    inProgressTimeoutInMinutes: timeout,
    status: 'IN_PROGRESS',
    forceCanceled: undefined,
    reasonCode: undefined,
    comment: undefined,
    createdAtMs: nowMs,
    lastUpdatedAtMs: nowMs,
    completedAtMs: undefined,
    executions: new Map(),
  };
  core.store.addJob(job);
  for (const thingName of thingNames) {
    const execution = newExecution(core, job, thingName, nowMs);
    core.store.addExecution(execution);
    core.notifier.added(execution);
  }
  return identity(job);
}

/** DescribeJob. */
export function describeJob(core: SimulatorCore, request: { jobId: string }): DescribeJobResponse {
  return { job: jobDescription(findJob(core, request)) };
}

/** GetJobDocument: the document text as it was given. */
export function getJobDocument(core: SimulatorCore, request: { jobId: string }): { document: string } {
  return { document: findJob(core, request).document };
}

/** ListJobs, oldest first, with the status and targetSelection filters and paging. */
export function listJobs(core: SimulatorCore, request: ListJobsRequest = {}): ListJobsResponse {
  const fields = requestFields(request);
  const status = optionalEnum(fields.status, 'status', JOB_STATUSES);
  const targetSelection = optionalEnum(fields.targetSelection, 'targetSelection', ['SNAPSHOT', 'CONTINUOUS'] as const);
  const matching = [...core.store.jobs.values()].filter(
    (job) => (status === undefined || job.status === status) && (targetSelection === undefined || job.targetSelection === targetSelection),
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
  const nowMs = core.clock.now();
  core.notifier.track(job.executions.keys(), () => {
    if (job.status !== 'CANCELED') {
      job.status = 'CANCELED';
      job.lastUpdatedAtMs = nowMs;
    }
    if (force) job.forceCanceled = true;
    if (reasonCode !== undefined) job.reasonCode = reasonCode;
    if (comment !== undefined) job.comment = comment;
    for (const execution of job.executions.values()) {
      if (execution.status === 'QUEUED' || (force && execution.status === 'IN_PROGRESS')) {
        if (execution.status === 'IN_PROGRESS') execution.forceCanceled = true;
        core.end(execution, 'CANCELED', nowMs, true);
      }
    }
  });
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
  const force = optionalFlag(requestFields(request).force, 'force') ?? false;
  if (job.status === 'DELETION_IN_PROGRESS') throw invalidTransition(`Job ${job.jobId} is already being deleted.`);
  if (job.status === 'IN_PROGRESS' && !force) {
    throw invalidTransition(`Job ${job.jobId} is IN_PROGRESS; only a COMPLETED or CANCELED job can be deleted without force.`);
  }
  let deleting = 0;
  for (const other of core.store.jobs.values()) if (other.status === 'DELETION_IN_PROGRESS') deleting += 1;
  if (deleting >= MAX_DELETING_JOBS) throw new SimulatorError('LimitExceededException', `At most ${MAX_DELETING_JOBS} jobs may be in DELETION_IN_PROGRESS.`);
  const nowMs = core.clock.now();
  core.notifier.track(job.executions.keys(), () => {
    job.status = 'DELETION_IN_PROGRESS';
    job.lastUpdatedAtMs = nowMs;
    for (const execution of job.executions.values()) core.timers.clear(execution);
  });
  core.later(() => {
    core.store.removeJob(job);
  }, core.behavior.deletionDelayMs);
}

/** The job named by `request.jobId`. @throws {@link SimulatorError} ResourceNotFoundException. */
export function findJob(core: SimulatorCore, request: { jobId: string }): JobRecord {
  const jobId = jobIdOf(requestFields(request).jobId);
  const job = core.store.jobs.get(jobId);
  if (!job) throw notFound(`Job ${jobId} cannot be found.`);
  return job;
}

function newExecution(core: SimulatorCore, job: JobRecord, thingName: string, nowMs: number): ExecutionRecord {
  return {
    job,
    thingName,
    executionNumber: 1,
    seq: core.store.nextSeq(),
    status: 'QUEUED',
    statusDetails: {},
    queuedAtMs: nowMs,
    startedAtMs: undefined,
    lastUpdatedAtMs: nowMs,
    versionNumber: 1,
    forceCanceled: undefined,
    inProgressDeadlineMs: undefined,
    stepDeadlineMs: undefined,
    timerHandle: undefined,
  };
}

function identity(job: JobRecord): JobIdentity {
  const out: JobIdentity = { jobArn: job.jobArn, jobId: job.jobId };
  if (job.description !== undefined) out.description = job.description;
  return out;
}

function readDocument(document: unknown, documentSource: unknown): { text: string; parsed: JsonObject } {
  if (documentSource !== undefined && documentSource !== null) {
    throw invalidRequest('documentSource is not supported by the simulator (it has no S3); pass the document itself.');
  }
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
  // Frozen, so that every notification can share it instead of cloning it.
  return { text: document, parsed: deepFreeze(parsed as JsonObject) };
}

function readTimeoutConfig(config: unknown): number | undefined {
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'object' || Array.isArray(config)) throw invalidRequest('timeoutConfig must be an object.');
  return optionalInteger((config as { inProgressTimeoutInMinutes?: unknown }).inProgressTimeoutInMinutes, 'timeoutConfig.inProgressTimeoutInMinutes', 1, 10080);
}

/** Reads targets (thing names or thing ARNs of this account) into distinct thing names. */
function readTargets(core: SimulatorCore, targets: unknown): string[] {
  if (!Array.isArray(targets) || targets.length === 0) throw invalidRequest('targets must list at least one thing name or thing ARN.');
  const names = new Set<string>();
  const prefix = `arn:aws:iot:${core.store.region}:${core.store.accountId}:`;
  for (const target of targets as unknown[]) {
    if (typeof target !== 'string' || target.length > 2048) throw invalidRequest('Each target must be a thing name or an ARN of at most 2048 characters.');
    if (isValidThingName(target) && !target.startsWith('arn:')) {
      names.add(target);
      continue;
    }
    if (target.startsWith(`${prefix}thing/`) && isValidThingName(target.slice(prefix.length + 6))) {
      names.add(target.slice(prefix.length + 6));
      continue;
    }
    if (target.startsWith(`${prefix}thinggroup/`)) throw invalidRequest(`Thing groups are not supported by the simulator: ${target}`);
    if (/^arn:aws[a-z-]*:iot:[^:]*:[^:]*:thing\//.test(target)) throw notFound(`Target ${target} cannot be found in this account and region.`);
    throw invalidRequest(`Invalid target ${JSON.stringify(target.slice(0, 80))}: a thing name or a thing ARN is expected.`);
  }
  return [...names];
}


function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) if (typeof member === 'object' && member !== null) deepFreeze(member as object);
  return Object.freeze(value);
}

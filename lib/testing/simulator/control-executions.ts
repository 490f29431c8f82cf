/**
 * Control plane: job executions (DescribeJobExecution, ListJobExecutionsForThing,
 * ListJobExecutionsForJob, CancelJobExecution; docs/protocol.md §11).
 * @packageDocumentation
 */

import { JOB_EXECUTION_STATUSES, type JobExecutionStatus } from '../../protocol/shapes.js';
import { statusDetailsProblem } from '../../protocol/rules.js';
import type { SimulatorCore } from './core.js';
import { findJob } from './control-jobs.js';
import { jobIdOf, optionalEnum, optionalFlag, optionalInteger, requestFields, thingNameOf } from './control-validation.js';
import { isPending, type ExecutionRecord } from './model.js';
import { page } from './paging.js';
import { controlExecution, controlExecutionSummary, type ControlJobExecution, type ControlJobExecutionSummary } from './shapes.js';
import { invalidRequest, invalidTransition, notFound, SimulatorError } from './simulator-error.js';

/** DescribeJobExecution (control plane) request. */
export interface DescribeJobExecutionRequest {
  /** The job's id. */
  jobId: string;
  /** The thing the execution runs on. */
  thingName: string;
  /** Must match the execution's number if given (the simulator keeps one execution per job and thing). */
  executionNumber?: number;
}

/** ListJobExecutionsForThing request. */
export interface ListJobExecutionsForThingRequest {
  /** The thing whose executions to list. */
  thingName: string;
  /** Lists only executions in this status. */
  status?: JobExecutionStatus;
  /** Page size, 1-250; everything matching when omitted. */
  maxResults?: number;
  /** The `nextToken` of the previous page; omit for the first page. */
  nextToken?: string;
}

/** ListJobExecutionsForJob request. */
export interface ListJobExecutionsForJobRequest {
  /** The job whose executions to list. */
  jobId: string;
  /** Lists only executions in this status. */
  status?: JobExecutionStatus;
  /** Page size, 1-250; everything matching when omitted. */
  maxResults?: number;
  /** The `nextToken` of the previous page; omit for the first page. */
  nextToken?: string;
}

/** ListJobExecutionsForThing response. */
export interface ListJobExecutionsForThingResponse {
  /** This page of the thing's executions, in creation order. */
  executionSummaries: Array<{
    /** The execution's job. */
    jobId: string;
    /** The execution's status and times. */
    jobExecutionSummary: ControlJobExecutionSummary;
  }>;
  /** The token of the next page; present only when another page exists. */
  nextToken?: string;
}

/** ListJobExecutionsForJob response. */
export interface ListJobExecutionsForJobResponse {
  /** This page of the job's executions, in target order. */
  executionSummaries: Array<{
    /** The ARN of the thing the execution runs on. */
    thingArn: string;
    /** The execution's status and times. */
    jobExecutionSummary: ControlJobExecutionSummary;
  }>;
  /** The token of the next page; present only when another page exists. */
  nextToken?: string;
}

/** CancelJobExecution request. */
export interface CancelJobExecutionRequest {
  /** The execution's job. */
  jobId: string;
  /** The thing the execution runs on. */
  thingName: string;
  /** Allow canceling an IN_PROGRESS execution; defaults to false. */
  force?: boolean;
  /** The execution's current `versionNumber`; a different one is VersionConflictException. */
  expectedVersion?: number;
  /** Status details to store on the canceled execution; at most 10 entries. */
  statusDetails?: Record<string, string>;
}

/** DescribeJobExecution: no document, statusDetails in `detailsMap`, `thingArn`. */
export function describeJobExecution(core: SimulatorCore, request: DescribeJobExecutionRequest): { execution: ControlJobExecution } {
  const execution = findExecution(core, request);
  const executionNumber = optionalInteger(requestFields(request).executionNumber, 'executionNumber', 0, Number.MAX_SAFE_INTEGER);
  if (executionNumber !== undefined && executionNumber !== execution.executionNumber) {
    throw notFound(`Job execution ${execution.job.jobId} number ${executionNumber} for thing ${execution.thingName} cannot be found.`);
  }
  return { execution: controlExecution(execution, core.store.thingArn(execution.thingName), core.clock.now()) };
}

/** ListJobExecutionsForThing, in creation order; an unknown thing lists nothing. */
export function listJobExecutionsForThing(core: SimulatorCore, request: ListJobExecutionsForThingRequest): ListJobExecutionsForThingResponse {
  const fields = requestFields(request);
  const thingName = thingNameOf(fields.thingName);
  const status = optionalEnum(fields.status, 'status', JOB_EXECUTION_STATUSES);
  const executions: ExecutionRecord[] = [];
  for (const execution of core.store.executionsOf(thingName).values()) {
    if (status === undefined || execution.status === status) executions.push(execution);
  }
  executions.sort((a, b) => a.seq - b.seq);
  const { items, nextToken } = page(executions, fields.maxResults, fields.nextToken);
  const out: ListJobExecutionsForThingResponse = {
    executionSummaries: items.map((execution) => ({ jobId: execution.job.jobId, jobExecutionSummary: controlExecutionSummary(execution) })),
  };
  if (nextToken !== undefined) out.nextToken = nextToken;
  return out;
}

/** ListJobExecutionsForJob, in target order. */
export function listJobExecutionsForJob(core: SimulatorCore, request: ListJobExecutionsForJobRequest): ListJobExecutionsForJobResponse {
  const fields = requestFields(request);
  const job = findJob(core, request);
  const status = optionalEnum(fields.status, 'status', JOB_EXECUTION_STATUSES);
  const executions = [...job.executions.values()].filter((execution) => status === undefined || execution.status === status);
  const { items, nextToken } = page(executions, fields.maxResults, fields.nextToken);
  const out: ListJobExecutionsForJobResponse = {
    executionSummaries: items.map((execution) => ({
      thingArn: core.store.thingArn(execution.thingName),
      jobExecutionSummary: controlExecutionSummary(execution),
    })),
  };
  if (nextToken !== undefined) out.nextToken = nextToken;
  return out;
}

/**
 * CancelJobExecution: QUEUED → CANCELED; IN_PROGRESS only with `force`;
 * a terminal one is InvalidStateTransitionException; a wrong `expectedVersion`
 * is VersionConflictException (docs/protocol.md §11).
 */
export function cancelJobExecution(core: SimulatorCore, request: CancelJobExecutionRequest): Record<string, never> {
  const fields = requestFields(request);
  const execution = findExecution(core, request);
  const force = optionalFlag(fields.force, 'force') ?? false;
  const expectedVersion = optionalInteger(fields.expectedVersion, 'expectedVersion', 0, Number.MAX_SAFE_INTEGER);
  const statusDetails = readCancelDetails(fields.statusDetails);
  const { jobId } = execution.job;
  if (!isPending(execution.status)) throw invalidTransition(`Job execution ${jobId} for thing ${execution.thingName} is already ${execution.status}.`);
  if (execution.status === 'IN_PROGRESS' && !force) {
    throw invalidTransition(`Job execution ${jobId} for thing ${execution.thingName} is IN_PROGRESS; cancel it with force.`);
  }
  if (expectedVersion !== undefined && expectedVersion !== execution.versionNumber) {
    throw new SimulatorError('VersionConflictException', `expectedVersion ${expectedVersion} does not match the current version ${execution.versionNumber}.`);
  }
  const nowMs = core.clock.now();
  core.notifier.track([execution.thingName], () => {
    if (statusDetails) execution.statusDetails = statusDetails;
    if (execution.status === 'IN_PROGRESS') execution.forceCanceled = true;
    core.end(execution, 'CANCELED', nowMs, true);
  });
  return {};
}

function findExecution(core: SimulatorCore, request: { jobId: string; thingName: string }): ExecutionRecord {
  const fields = requestFields(request);
  const thingName = thingNameOf(fields.thingName);
  const jobId = jobIdOf(fields.jobId);
  const execution = core.store.jobs.get(jobId)?.executions.get(thingName);
  if (!execution) throw notFound(`Job execution ${jobId} for thing ${thingName} cannot be found.`);
  return execution;
}

function readCancelDetails(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const problem = statusDetailsProblem(value);
  if (problem) throw invalidRequest(`Invalid ${problem.field}: must be ${problem.rule}.`);
  const details = value as Record<string, string>;
  if (Object.keys(details).length > 10) throw invalidRequest('statusDetails may hold at most 10 entries.');
  return { ...details };
}

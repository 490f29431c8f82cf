/**
 * The four device operations (docs/protocol.md §4), independent of the transport:
 * each takes the parsed request and returns the AWS reply or rejection,
 * without `clientToken` and `timestamp` (the front adds them).
 * @packageDocumentation
 */

import type { JobExecutionState, JobExecutionSummary, RejectedErrorCode } from '../../protocol/shapes.js';
import type { JsonObject } from '../../protocol/json.js';
import { isValidJobId, isValidThingName, NEXT_JOB_ID } from '../../protocol/rules.js';
import type { SimulatorCore } from './core.js';
import {
  checkClientToken,
  optionalBoolean,
  optionalCount,
  optionalStatusDetails,
  optionalStepTimeout,
  optionalVersion,
  requestObject,
  requiredDeviceStatus,
  RequestProblem,
} from './device-request.js';
import { isPending, type ExecutionRecord } from './model.js';
import { executionByNumber } from './queue-execution.js';
import { deviceExecution, executionState, executionSummary, jobDocumentFor, type DeviceJobExecution, type DeviceProtocol } from './shapes.js';

/** Why a device request was rejected: the `code`, `message` and (for two codes) `executionState` of docs/protocol.md §4.5. */
export interface DeviceError {
  /** The rejection's error code. */
  code: RejectedErrorCode;
  /** A human-readable explanation. */
  message: string;
  /** The execution's current state; present only for InvalidStateTransition and VersionMismatch. */
  executionState?: JobExecutionState;
}

/** The outcome of a device operation. */
export type DeviceResult<T> =
  | {
      /** The request was accepted. */
      ok: true;
      /** The accepted reply's body. */
      reply: T;
    }
  | {
      /** The request was rejected. */
      ok: false;
      /** Why it was rejected. */
      error: DeviceError;
    };

/** Options of the device operations. */
export interface DeviceCallOptions {
  /** `mqtt` (document as an object) or `http` (document as a string, thingName included). @defaultValue 'mqtt' */
  protocol?: DeviceProtocol;
}

/** GetPendingJobExecutions reply, without timestamp and clientToken. */
export interface GetPendingReply {
  /** The thing's IN_PROGRESS executions; possibly empty. */
  inProgressJobs: JobExecutionSummary[];
  /** The thing's QUEUED executions; possibly empty. */
  queuedJobs: JobExecutionSummary[];
}

/** StartNext / Describe reply: no `execution` when nothing is pending (`$next`). */
export interface ExecutionReply {
  /** The started or described execution; absent when nothing is pending. */
  execution?: DeviceJobExecution;
}

/** UpdateJobExecution reply. */
export interface UpdateReply {
  /** The execution's state after the update; present only if `includeJobExecutionState` was true. */
  executionState?: JobExecutionState;
  /** The job document (an object over MQTT, text over HTTP); present only if `includeJobDocument` was true. */
  jobDocument?: JsonObject | string;
}

/** Builds a rejection. */
export function rejection(code: RejectedErrorCode, message: string, executionState?: JobExecutionState): { ok: false; error: DeviceError } {
  return { ok: false, error: executionState ? { code, message, executionState } : { code, message } };
}

/** Runs an operation body, turning a {@link RequestProblem} into `InvalidRequest`. */
function guarded<T>(body: () => DeviceResult<T>): DeviceResult<T> {
  try {
    return body();
  } catch (error) {
    if (error instanceof RequestProblem) return rejection('InvalidRequest', error.message);
    throw error;
  }
}

function checkThing(thingName: string): void {
  if (!isValidThingName(thingName)) throw new RequestProblem('thingName must be 1-128 characters of [a-zA-Z0-9:_-].');
}

function render(core: SimulatorCore, execution: ExecutionRecord, protocol: DeviceProtocol, includeJobDocument: boolean): DeviceJobExecution {
  return deviceExecution(execution, {
    protocol,
    includeJobDocument,
    includeThingName: protocol === 'http' || core.behavior.includeThingNameInExecution,
    nowMs: core.clock.now(),
  });
}

/** GetPendingJobExecutions (docs/protocol.md §4.1). Never changes state. */
export function getPending(core: SimulatorCore, thingName: string, request: unknown): DeviceResult<GetPendingReply> {
  return guarded(() => {
    checkThing(thingName);
    checkClientToken(requestObject(request), core.behavior);
    const reply: GetPendingReply = { inProgressJobs: [], queuedJobs: [] };
    for (const execution of core.store.pending(thingName).slice(0, core.behavior.maxPendingListed)) {
      (execution.status === 'IN_PROGRESS' ? reply.inProgressJobs : reply.queuedJobs).push(executionSummary(execution));
    }
    return { ok: true, reply };
  });
}

/** StartNextPendingJobExecution (docs/protocol.md §4.2). */
export function startNext(core: SimulatorCore, thingName: string, request: unknown, protocol: DeviceProtocol = 'mqtt'): DeviceResult<ExecutionReply> {
  return guarded<ExecutionReply>(() => {
    checkThing(thingName);
    const fields = requestObject(request);
    checkClientToken(fields, core.behavior);
    const statusDetails = optionalStatusDetails(fields, core.behavior);
    const stepTimeout = optionalStepTimeout(fields, false);
    const head = core.store.next(thingName);
    if (!head) return { ok: true, reply: {} };
    const nowMs = core.clock.now();
    if (head.status === 'QUEUED') {
      core.notifier.track([thingName], () => {
        core.start(head, nowMs);
        if (statusDetails) applyStatusDetails(core, head, statusDetails);
        if (stepTimeout !== undefined) core.setStepTimer(head, stepTimeout, nowMs);
        head.versionNumber += 1;
        head.lastUpdatedAtMs = nowMs;
        core.timers.schedule(head);
      });
    } else if (stepTimeout !== undefined && core.behavior.startNextStepTimerOnInProgress) {
      core.setStepTimer(head, stepTimeout, nowMs);
      core.timers.schedule(head);
    }
    return { ok: true, reply: { execution: render(core, head, protocol, true) } };
  });
}

/** DescribeJobExecution (docs/protocol.md §4.3); `jobId` may be `$next`. Never changes state. */
export function describe(
  core: SimulatorCore,
  thingName: string,
  jobId: string,
  request: unknown,
  protocol: DeviceProtocol = 'mqtt',
): DeviceResult<ExecutionReply> {
  return guarded<ExecutionReply>(() => {
    checkThing(thingName);
    if (jobId !== NEXT_JOB_ID && !isValidJobId(jobId)) throw new RequestProblem('jobId must be 1-64 characters of [a-zA-Z0-9_-], or $next.');
    const fields = requestObject(request);
    checkClientToken(fields, core.behavior);
    const executionNumber = optionalCount(fields, 'executionNumber');
    const includeJobDocument = optionalBoolean(fields, 'includeJobDocument') ?? true;
    let execution: ExecutionRecord | undefined;
    if (jobId === NEXT_JOB_ID) {
      execution = core.store.next(thingName);
      if (!execution) return { ok: true, reply: {} };
    } else {
      const latest = core.store.deviceExecution(thingName, jobId);
      execution = latest && executionByNumber(latest.job, thingName, executionNumber);
      if (!execution) return rejection('ResourceNotFound', `Job execution ${jobId} for thing ${thingName} not found.`);
    }
    if (!isPending(execution.status) && core.behavior.describeTerminal === 'TerminalStateReached') {
      return rejection('TerminalStateReached', `Job execution ${jobId} for thing ${thingName} is in the terminal state ${execution.status}.`);
    }
    return { ok: true, reply: { execution: render(core, execution, protocol, includeJobDocument) } };
  });
}

/** UpdateJobExecution (docs/protocol.md §4.4). */
export function update(
  core: SimulatorCore,
  thingName: string,
  jobId: string,
  request: unknown,
  protocol: DeviceProtocol = 'mqtt',
): DeviceResult<UpdateReply> {
  return guarded(() => {
    checkThing(thingName);
    if (!isValidJobId(jobId)) throw new RequestProblem('jobId must be 1-64 characters of [a-zA-Z0-9_-].');
    const fields = requestObject(request);
    checkClientToken(fields, core.behavior);
    const status = requiredDeviceStatus(fields);
    const statusDetails = optionalStatusDetails(fields, core.behavior);
    const expectedVersion = optionalVersion(fields);
    const executionNumber = optionalCount(fields, 'executionNumber');
    const includeState = optionalBoolean(fields, 'includeJobExecutionState') ?? false;
    const includeDocument = optionalBoolean(fields, 'includeJobDocument') ?? false;
    const stepTimeout = optionalStepTimeout(fields, true);

    const latest = core.store.deviceExecution(thingName, jobId);
    const execution = latest && executionByNumber(latest.job, thingName, executionNumber);
    if (!execution) return rejection('ResourceNotFound', `Job execution ${jobId} for thing ${thingName} not found.`);
    if (!isPending(execution.status)) {
      return rejection('InvalidStateTransition', `Cannot update job execution ${jobId} from the terminal state ${execution.status} to ${status}.`, executionState(execution));
    }
    if (expectedVersion !== undefined && expectedVersion !== execution.versionNumber) {
      return rejection('VersionMismatch', `expectedVersion ${expectedVersion} does not match the current version ${execution.versionNumber}.`, executionState(execution));
    }
    if (execution.status === 'QUEUED' && (status === 'SUCCEEDED' || status === 'FAILED') && !core.behavior.allowQueuedToTerminal) {
      return rejection('InvalidStateTransition', `Cannot update job execution ${jobId} from QUEUED to ${status}.`, executionState(execution));
    }
    if (status === 'IN_PROGRESS' && stepTimeout === -1 && execution.stepDeadlineMs === undefined) {
      return rejection('InvalidRequest', 'stepTimeoutInMinutes -1 cancels a step timer, but none is running.');
    }

    const nowMs = core.clock.now();
    core.notifier.track([thingName], () => {
      if (statusDetails) applyStatusDetails(core, execution, statusDetails);
      execution.versionNumber += 1;
      execution.lastUpdatedAtMs = nowMs;
      if (status === 'IN_PROGRESS') {
        if (execution.status === 'QUEUED') core.start(execution, nowMs);
        if (stepTimeout !== undefined) core.setStepTimer(execution, stepTimeout, nowMs);
        core.timers.schedule(execution);
      } else {
        core.end(execution, status, nowMs, false);
      }
    });
    const reply: UpdateReply = {};
    if (includeState) reply.executionState = executionState(execution);
    if (includeDocument) reply.jobDocument = jobDocumentFor(execution.job, protocol);
    return { ok: true, reply };
  });
}

function applyStatusDetails(core: SimulatorCore, execution: ExecutionRecord, details: Record<string, string>): void {
  execution.statusDetails = core.behavior.statusDetailsUpdate === 'merge' ? { ...execution.statusDetails, ...details } : { ...details };
}

/**
 * The jobs data plane over HTTP (docs/protocol.md §10): GetPendingJobExecutions,
 * StartNextPendingJobExecution, DescribeJobExecution and UpdateJobExecution,
 * run by the simulator's transport-independent device operations and
 * answered in the HTTP shapes.
 * @packageDocumentation
 */

import type { JsonObject } from '../protocol/json.js';
import type { JobsSimulator } from '../testing/simulator/jobs-simulator.js';
import type { DeviceResult, ExecutionReply, UpdateReply } from '../testing/simulator/device-api.js';
import { runCommandsOperation } from './commands-plane.js';
import { deviceErrorToHttp } from './device-shapes.js';
import type { OperationRequest, OperationResult } from './http-api.js';
import { queryBoolean, queryInteger } from './query.js';
import type { DataPlaneOperation } from './routes.js';

/** StartNext's body members (docs/protocol.md §10); others are ignored, as rest-json does. */
const START_NEXT_MEMBERS = ['statusDetails', 'stepTimeoutInMinutes'] as const;
/** UpdateJobExecution's body members. */
const UPDATE_MEMBERS = [
  'status',
  'statusDetails',
  'stepTimeoutInMinutes',
  'expectedVersion',
  'includeJobExecutionState',
  'includeJobDocument',
  'executionNumber',
] as const;

/**
 * Runs a data-plane operation on `simulator`.
 * @throws {@link HttpError} with the modeled exception of the device rejection.
 */
export function runDataPlane(simulator: JobsSimulator, operation: DataPlaneOperation, request: OperationRequest): OperationResult {
  const thingName = request.labels.thingName ?? '';
  const jobId = request.labels.jobId ?? '';
  switch (operation) {
    case 'GetPendingJobExecutions': {
      const reply = settle(simulator, simulator.getPendingJobExecutions(thingName, {}));
      return ok({ inProgressJobs: reply.inProgressJobs, queuedJobs: reply.queuedJobs });
    }
    case 'StartNextPendingJobExecution': {
      const result = simulator.startNextPendingJobExecution(thingName, pick(request.body, START_NEXT_MEMBERS), { protocol: 'http' });
      return ok(executionBody(settle(simulator, result)));
    }
    case 'DescribeJobExecution': {
      const query: JsonObject = {};
      const includeJobDocument = queryBoolean(request.query, 'includeJobDocument');
      const executionNumber = queryInteger(request.query, 'executionNumber');
      if (includeJobDocument !== undefined) query.includeJobDocument = includeJobDocument;
      if (executionNumber !== undefined) query.executionNumber = executionNumber;
      const result = simulator.describeJobExecutionForDevice(thingName, jobId, query, { protocol: 'http' });
      return ok(executionBody(settle(simulator, result)));
    }
    case 'UpdateJobExecution': {
      const result = simulator.updateJobExecution(thingName, jobId, pick(request.body, UPDATE_MEMBERS), { protocol: 'http' });
      return ok(updateBody(settle(simulator, result)));
    }
    case 'StartCommandExecution':
      return runCommandsOperation(simulator.commands, operation, request);
  }
}

/** The reply of an accepted call, or the HTTP error of a rejected one. */
function settle<T>(simulator: JobsSimulator, result: DeviceResult<T>): T {
  if (result.ok) return result.reply;
  throw deviceErrorToHttp(result.error, simulator.behavior.httpVersionMismatch);
}

/** `{ execution }`, or `{}` when nothing is pending (the engine's reply less its `timestamp`). */
function executionBody(reply: ExecutionReply): { execution?: ExecutionReply['execution'] } {
  return reply.execution === undefined ? {} : { execution: reply.execution };
}

/** The update reply's modeled members only. */
function updateBody(reply: UpdateReply): Pick<UpdateReply, 'executionState' | 'jobDocument'> {
  const out: Pick<UpdateReply, 'executionState' | 'jobDocument'> = {};
  if (reply.executionState !== undefined) out.executionState = reply.executionState;
  if (reply.jobDocument !== undefined) out.jobDocument = reply.jobDocument;
  return out;
}

function pick(body: JsonObject, members: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const member of members) {
    const value = body[member];
    // A JSON null is an absent member in rest-json.
    if (value !== undefined && value !== null) out[member] = value;
  }
  return out;
}

function ok(body: unknown): OperationResult {
  return { status: 200, body };
}

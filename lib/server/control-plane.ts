/**
 * The control-plane subset over HTTP (docs/protocol.md §11): things, jobs and job
 * executions, run by the simulator's control API. Path labels, query
 * parameters and body members become one request object with AWS's member
 * names; a {@link SimulatorError} becomes its rest-json error.
 * @packageDocumentation
 */

import type { JobsSimulator } from '../testing/simulator/jobs-simulator.js';
import { SimulatorError } from '../testing/simulator/simulator-error.js';
import { runCommandsOperation } from './commands-plane.js';
import { isCommandsOperation, type CommandsControlPlaneOperation } from './commands-routes.js';
import { HttpError } from './http-error.js';
import type { OperationRequest, OperationResult } from './http-api.js';
import { queryBoolean, queryInteger, queryString } from './query.js';
import type { ControlPlaneOperation } from './routes.js';

/** The simulator's request types take AWS's members; their values are checked at run time by the simulator. */
type Request = Record<string, unknown>;

/**
 * Runs a control-plane operation on `simulator`.
 * @throws {@link HttpError} for a {@link SimulatorError} or a bad query parameter.
 */
export function runControlPlane(simulator: JobsSimulator, operation: ControlPlaneOperation, request: OperationRequest): OperationResult {
  if (isCommandsOperation(operation)) return runCommandsOperation(simulator.commands, operation, request);
  try {
    return dispatch(simulator, operation, request);
  } catch (error) {
    if (error instanceof SimulatorError) {
      const members: Record<string, string> = {};
      if (error.resourceId !== undefined) members.resourceId = error.resourceId;
      if (error.resourceArn !== undefined) members.resourceArn = error.resourceArn;
      throw new HttpError(error.httpStatus, error.code, error.message, { cause: error, members });
    }
    throw error;
  }
}

function dispatch(simulator: JobsSimulator, operation: Exclude<ControlPlaneOperation, CommandsControlPlaneOperation>, request: OperationRequest): OperationResult {
  const { labels, query, body } = request;
  const q = defined;
  // Path labels win over body members of the same name, as on AWS.
  const withLabels = (extra: Request = {}): Request => ({ ...body, ...extra, ...labels });
  switch (operation) {
    case 'CreateThing':
      return ok(simulator.createThing(asRequest(withLabels())));
    case 'DescribeThing':
      return ok(simulator.describeThing(asRequest(withLabels())));
    case 'DeleteThing':
      return ok(simulator.deleteThing(asRequest(withLabels())));
    case 'CreateJob':
      return ok(simulator.createJob(asRequest(withLabels())));
    case 'DescribeJob':
      return ok(simulator.describeJob(asRequest(withLabels())));
    case 'GetJobDocument':
      return ok(simulator.getJobDocument(asRequest(withLabels())));
    case 'ListJobs':
      return ok(
        simulator.listJobs(asRequest(
          q({
            status: queryString(query, 'status'),
            targetSelection: queryString(query, 'targetSelection'),
            maxResults: queryInteger(query, 'maxResults', 1),
            nextToken: queryString(query, 'nextToken'),
          }),
        )),
      );
    case 'CancelJob':
      return ok(simulator.cancelJob(asRequest(withLabels(q({ force: queryBoolean(query, 'force') })))));
    case 'DeleteJob':
      simulator.deleteJob(asRequest(withLabels(q({ force: queryBoolean(query, 'force') }))));
      return { status: 200, body: undefined };
    case 'DescribeJobExecution':
      return ok(simulator.describeJobExecution(asRequest({ ...labels, ...q({ executionNumber: queryInteger(query, 'executionNumber') }) })));
    case 'ListJobExecutionsForThing':
      return ok(
        simulator.listJobExecutionsForThing(asRequest({
          ...labels,
          ...q({
            status: queryString(query, 'status'),
            maxResults: queryInteger(query, 'maxResults', 1),
            nextToken: queryString(query, 'nextToken'),
          }),
        })),
      );
    case 'ListJobExecutionsForJob':
      return ok(
        simulator.listJobExecutionsForJob(asRequest({
          ...labels,
          ...q({ status: queryString(query, 'status'), maxResults: queryInteger(query, 'maxResults', 1), nextToken: queryString(query, 'nextToken') }),
        })),
      );
    case 'CancelJobExecution':
      simulator.cancelJobExecution(asRequest(withLabels(q({ force: queryBoolean(query, 'force') }))));
      return { status: 200, body: {} };
    case 'AttachThingPrincipal':
      return ok(simulator.attachThingPrincipal(asRequest({ ...labels, principal: principalHeader(request) })));
    case 'DetachThingPrincipal':
      return ok(simulator.detachThingPrincipal(asRequest({ ...labels, principal: principalHeader(request) })));
    case 'ListThingPrincipals':
      return ok(simulator.listThingPrincipals(asRequest(labels)));
  }
}

/** AttachThingPrincipal and DetachThingPrincipal carry the principal in the `x-amzn-principal` header. */
function principalHeader(request: OperationRequest): string {
  const principal = request.headers['x-amzn-principal'];
  if (typeof principal !== 'string' || principal === '') throw new HttpError(400, 'InvalidRequestException', 'The x-amzn-principal header (the principal) is required.');
  return principal;
}

/** The simulator checks every member of a request at run time, so untyped JSON may be handed over as is. */
function asRequest<T>(request: Request): T {
  return request as T;
}

function defined(entries: Record<string, unknown>): Request {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function ok(body: unknown): OperationResult {
  return { status: 200, body };
}

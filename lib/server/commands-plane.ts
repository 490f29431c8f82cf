/**
 * The Commands operations over HTTP (docs/commands.md §7): StartCommandExecution
 * on the jobs data plane; CreateCommand, GetCommand, ListCommands,
 * UpdateCommand, DeleteCommand, GetCommandExecution, ListCommandExecutions and
 * DeleteCommandExecution on the control plane. Blobs travel as base64 text;
 * a {@link CommandsServiceError} becomes its rest-json error.
 * @packageDocumentation
 */

import type { JsonObject } from '../protocol/json.js';
import { CommandsServiceError } from '../testing/simulator/commands/commands-error.js';
import type { CommandsSimulator } from '../testing/simulator/commands/commands-simulator.js';
import { HttpError, invalidRequest } from './http-error.js';
import type { OperationRequest, OperationResult } from './http-api.js';
import { queryBoolean, queryInteger, queryString } from './query.js';
import type { CommandsControlPlaneOperation, CommandsDataPlaneOperation } from './commands-routes.js';


/**
 * Runs a Commands operation on `commands`.
 * @throws {@link HttpError} for a {@link CommandsServiceError} or a bad member.
 */
export function runCommandsOperation(
  commands: CommandsSimulator,
  operation: CommandsDataPlaneOperation | CommandsControlPlaneOperation,
  request: OperationRequest,
): OperationResult {
  try {
    return dispatch(commands, operation, request);
  } catch (error) {
    if (error instanceof CommandsServiceError) {
      throw new HttpError(error.httpStatus, error.code, error.message, { cause: error, members: error.resourceId === undefined ? {} : { resourceId: error.resourceId } });
    }
    throw error;
  }
}

type Untyped = Record<string, unknown>;

function dispatch(commands: CommandsSimulator, operation: CommandsDataPlaneOperation | CommandsControlPlaneOperation, request: OperationRequest): OperationResult {
  const { labels, query, body } = request;
  const withLabels = (extra: Untyped = {}): Untyped => ({ ...(withBytes(body) as Untyped), ...extra, ...labels });
  switch (operation) {
    case 'StartCommandExecution':
      return ok(commands.startCommandExecution(as(withLabels())));
    case 'CreateCommand':
      return ok(commands.createCommand(as(withLabels())));
    case 'GetCommand':
      return ok(commands.getCommand(as(withLabels())));
    case 'ListCommands':
      return ok(
        commands.listCommands(
          as(
            defined({
              maxResults: queryInteger(query, 'maxResults', 1),
              nextToken: queryString(query, 'nextToken'),
              namespace: queryString(query, 'namespace'),
              commandParameterName: queryString(query, 'commandParameterName'),
              sortOrder: queryString(query, 'sortOrder'),
            }),
          ),
        ),
      );
    case 'UpdateCommand':
      return ok(commands.updateCommand(as(withLabels())));
    case 'DeleteCommand':
      return { status: commands.deleteCommand(as(withLabels())).statusCode, body: undefined };
    case 'GetCommandExecution':
      return ok(
        commands.getCommandExecution(as({ ...labels, ...defined({ targetArn: queryString(query, 'targetArn'), includeResult: queryBoolean(query, 'includeResult') }) })),
      );
    case 'ListCommandExecutions':
      return ok(
        commands.listCommandExecutions(as(withLabels(defined({ maxResults: queryInteger(query, 'maxResults', 1), nextToken: queryString(query, 'nextToken') })))),
      );
    case 'DeleteCommandExecution':
      commands.deleteCommandExecution(as({ ...labels, ...defined({ targetArn: queryString(query, 'targetArn') }) }));
      return ok({});
  }
}

/** Blob members (`payload.content`, `BIN` values) arrive as base64 text; the simulator takes bytes. */
function withBytes(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && (key === 'content' || key === 'BIN')) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalidRequest(`${key} must be base64`);
    return new Uint8Array(Buffer.from(value, 'base64'));
  }
  if (Array.isArray(value)) return value.map((item) => withBytes(item));
  if (typeof value === 'object' && value !== null) {
    const out: Untyped = {};
    for (const [member, item] of Object.entries(value as JsonObject)) if (item !== null) out[member] = withBytes(item, member);
    return out;
  }
  return value;
}

/** Bytes go out as base64 text. */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  return value;
}

/** The simulator checks every member at run time, so untyped JSON may be handed over as is. */
function as<T>(request: Untyped): T {
  return request as T;
}

function defined(entries: Untyped): Untyped {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function ok(body: unknown): OperationResult {
  return { status: 200, body: toWire(body) };
}

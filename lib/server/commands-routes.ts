/**
 * The routes of the Commands operations (docs/commands.md §7), as the AWS
 * models give them. `POST /command-executions` is StartCommandExecution on the
 * jobs data plane and ListCommandExecutions on the control plane.
 * @packageDocumentation
 */

/** Operations of Commands on the jobs data plane. */
export type CommandsDataPlaneOperation = 'StartCommandExecution';

/** Operations of Commands on the control plane. */
export type CommandsControlPlaneOperation =
  | 'CreateCommand'
  | 'GetCommand'
  | 'ListCommands'
  | 'UpdateCommand'
  | 'DeleteCommand'
  | 'GetCommandExecution'
  | 'ListCommandExecutions'
  | 'DeleteCommandExecution';

/** The Commands routes, in the route table's shape. */
export const COMMANDS_ROUTES = [
  { plane: 'data', method: 'POST', path: '/command-executions', operation: 'StartCommandExecution' },
  { plane: 'control', method: 'PUT', path: '/commands/{commandId}', operation: 'CreateCommand' },
  { plane: 'control', method: 'GET', path: '/commands/{commandId}', operation: 'GetCommand' },
  { plane: 'control', method: 'GET', path: '/commands', operation: 'ListCommands' },
  { plane: 'control', method: 'PATCH', path: '/commands/{commandId}', operation: 'UpdateCommand' },
  { plane: 'control', method: 'DELETE', path: '/commands/{commandId}', operation: 'DeleteCommand' },
  { plane: 'control', method: 'GET', path: '/command-executions/{executionId}', operation: 'GetCommandExecution' },
  { plane: 'control', method: 'POST', path: '/command-executions', operation: 'ListCommandExecutions' },
  { plane: 'control', method: 'DELETE', path: '/command-executions/{executionId}', operation: 'DeleteCommandExecution' },
] as const;

/** True for a Commands operation name. */
export function isCommandsOperation(operation: string): operation is CommandsDataPlaneOperation | CommandsControlPlaneOperation {
  return COMMANDS_ROUTES.some((route) => route.operation === operation);
}


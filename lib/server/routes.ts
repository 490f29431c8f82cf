/**
 * The route table of both HTTP planes (docs/protocol.md §10 and docs/protocol.md §11): method, path
 * template and operation name, as in AWS's API models.
 * @packageDocumentation
 */

import { COMMANDS_ROUTES, type CommandsControlPlaneOperation, type CommandsDataPlaneOperation } from './commands-routes.js';
import type { Plane } from './plane.js';

/** Operations of the jobs data plane (`iot-jobs-data`). */
export type DataPlaneOperation =
  | 'GetPendingJobExecutions'
  | 'StartNextPendingJobExecution'
  | 'DescribeJobExecution'
  | 'UpdateJobExecution'
  | CommandsDataPlaneOperation;

/** Operations of the control-plane subset (`iot`). */
export type ControlPlaneOperation =
  | 'CreateThing'
  | 'DescribeThing'
  | 'DeleteThing'
  | 'CreateJob'
  | 'DescribeJob'
  | 'GetJobDocument'
  | 'ListJobs'
  | 'CancelJob'
  | 'DeleteJob'
  | 'DescribeJobExecution'
  | 'ListJobExecutionsForThing'
  | 'ListJobExecutionsForJob'
  | 'CancelJobExecution'
  | 'AttachThingPrincipal'
  | 'DetachThingPrincipal'
  | 'ListThingPrincipals'
  | CommandsControlPlaneOperation;

/** One route: `{label}` segments capture a percent-decoded path segment. */
export type Route =
  | { readonly plane: 'data'; readonly method: string; readonly path: string; readonly operation: DataPlaneOperation }
  | { readonly plane: 'control'; readonly method: string; readonly path: string; readonly operation: ControlPlaneOperation };

/** Every route, data plane first. */
export const ROUTES: readonly Route[] = [
  { plane: 'data', method: 'GET', path: '/things/{thingName}/jobs', operation: 'GetPendingJobExecutions' },
  { plane: 'data', method: 'PUT', path: '/things/{thingName}/jobs/$next', operation: 'StartNextPendingJobExecution' },
  { plane: 'data', method: 'GET', path: '/things/{thingName}/jobs/{jobId}', operation: 'DescribeJobExecution' },
  { plane: 'data', method: 'POST', path: '/things/{thingName}/jobs/{jobId}', operation: 'UpdateJobExecution' },

  { plane: 'control', method: 'POST', path: '/things/{thingName}', operation: 'CreateThing' },
  { plane: 'control', method: 'GET', path: '/things/{thingName}', operation: 'DescribeThing' },
  { plane: 'control', method: 'DELETE', path: '/things/{thingName}', operation: 'DeleteThing' },
  { plane: 'control', method: 'GET', path: '/jobs', operation: 'ListJobs' },
  { plane: 'control', method: 'PUT', path: '/jobs/{jobId}', operation: 'CreateJob' },
  { plane: 'control', method: 'GET', path: '/jobs/{jobId}', operation: 'DescribeJob' },
  { plane: 'control', method: 'DELETE', path: '/jobs/{jobId}', operation: 'DeleteJob' },
  { plane: 'control', method: 'GET', path: '/jobs/{jobId}/job-document', operation: 'GetJobDocument' },
  { plane: 'control', method: 'PUT', path: '/jobs/{jobId}/cancel', operation: 'CancelJob' },
  { plane: 'control', method: 'GET', path: '/jobs/{jobId}/things', operation: 'ListJobExecutionsForJob' },
  { plane: 'control', method: 'GET', path: '/things/{thingName}/jobs', operation: 'ListJobExecutionsForThing' },
  { plane: 'control', method: 'GET', path: '/things/{thingName}/jobs/{jobId}', operation: 'DescribeJobExecution' },
  { plane: 'control', method: 'PUT', path: '/things/{thingName}/jobs/{jobId}/cancel', operation: 'CancelJobExecution' },
  { plane: 'control', method: 'PUT', path: '/things/{thingName}/principals', operation: 'AttachThingPrincipal' },
  { plane: 'control', method: 'DELETE', path: '/things/{thingName}/principals', operation: 'DetachThingPrincipal' },
  { plane: 'control', method: 'GET', path: '/things/{thingName}/principals', operation: 'ListThingPrincipals' },
  // AWS IoT Commands (docs/commands.md §7).
  ...COMMANDS_ROUTES,
];

/** A matched route and its captured labels. */
export interface RouteMatch {
  readonly route: Route;
  readonly labels: Readonly<Record<string, string>>;
}

/** The outcome of routing: a match, or why none (for the error message). */
export type RouteResult =
  | { readonly ok: true; readonly match: RouteMatch }
  | { readonly ok: false; readonly otherPlane: Plane | undefined };

/**
 * Finds the route of `method` and decoded `segments`. With a known `plane`
 * only its routes are tried; with `undefined` (an unsigned request) the data
 * plane wins where both planes have the path. A label never matches an empty
 * segment.
 */
export function matchRoute(plane: Plane | undefined, method: string, segments: readonly string[]): RouteResult {
  let otherPlane: Plane | undefined;
  for (const route of ROUTES) {
    const labels = matchPath(route.path, segments);
    if (labels === undefined || route.method !== method) continue;
    if (plane !== undefined && route.plane !== plane) {
      otherPlane ??= route.plane;
      continue;
    }
    return { ok: true, match: { route, labels } };
  }
  return { ok: false, otherPlane };
}

const templates = new Map<string, readonly string[]>();

function matchPath(template: string, segments: readonly string[]): Record<string, string> | undefined {
  let parts = templates.get(template);
  if (parts === undefined) {
    parts = template.slice(1).split('/');
    templates.set(template, parts);
  }
  if (parts.length !== segments.length) return undefined;
  const labels: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      labels[part.slice(1, -1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return labels;
}

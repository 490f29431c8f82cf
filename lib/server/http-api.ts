/**
 * The HTTP front shared by both planes: parses the target, tells the plane
 * from the SigV4 scope, routes, reads the JSON body and answers in rest-json.
 * What each operation does is given by the caller (see `data-plane.ts` and
 * `control-plane.ts`). No request can throw out of the listener: every
 * failure becomes a rest-json error and the server keeps serving.
 * @packageDocumentation
 */

import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { JsonObject } from '../protocol/json.js';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, readJsonBody } from './body.js';
import { HttpError, unknownOperation } from './http-error.js';
import { detectPlane } from './plane.js';
import { guardRequest, type RequestGuardOptions } from './request-guard.js';
import { parseRequestTarget } from './request-target.js';
import { sendError, sendJson } from './rest-json.js';
import { matchRoute, type RouteMatch } from './routes.js';

/** What an operation receives. */
export interface OperationRequest {
  /** Percent-decoded path labels, e.g. `{ thingName, jobId }`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Decoded query parameters. */
  readonly query: URLSearchParams;
  /** The JSON body; `{}` when empty. */
  readonly body: JsonObject;
  /** The request headers (some members travel in headers, e.g. AttachThingPrincipal's `x-amzn-principal`). */
  readonly headers: IncomingHttpHeaders;
}

/** What an operation answers: `body: undefined` sends an empty body. */
export interface OperationResult {
  readonly status: number;
  readonly body: unknown;
}

/** Runs the operation of a matched route. Throw an {@link HttpError} to answer with an error. */
export type OperationHandler = (match: RouteMatch, request: OperationRequest) => OperationResult | Promise<OperationResult>;

/** Options of {@link createRequestListener}. */
export interface RequestListenerOptions extends RequestGuardOptions {
  /** The host the server binds, accepted in the `Host` header besides `localhost` and IP literals. @defaultValue none */
  host?: string;
  /** @defaultValue {@link DEFAULT_MAX_BODY_BYTES} */
  maxBodyBytes?: number;
  /** Hears errors that are not HttpErrors (bugs), which are answered with 500. @defaultValue ignore */
  onInternalError?: (error: unknown, req: IncomingMessage) => void;
}

/** Builds the node:http request listener that serves `handle`. */
export function createRequestListener(handle: OperationHandler, options: RequestListenerOptions = {}): RequestListener {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const guard: RequestGuardOptions = {
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
  };
  const host = options.host ?? '';
  return (req, res) => {
    let verdict;
    try {
      verdict = guardRequest(req, res, host, guard);
    } catch (error) {
      // A refused request's body is not read: close the connection after the answer.
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'InternalFailureException', 'The simulator failed to process the request'), true);
      return;
    }
    if (verdict.kind === 'answered') return;
    serve(req, res, handle, maxBodyBytes).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendError(res, error, error instanceof BodyTooLargeError);
        return;
      }
      options.onInternalError?.(error, req);
      sendError(res, new HttpError(500, 'InternalFailureException', 'The simulator failed to process the request'));
    });
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handle: OperationHandler, maxBodyBytes: number): Promise<void> {
  const method = req.method ?? 'GET';
  const target = parseRequestTarget(req.url ?? '/');
  const plane = detectPlane(req.headers, target.query);
  const routed = matchRoute(plane, method, target.segments);
  if (!routed.ok) {
    const hint =
      routed.otherPlane === undefined
        ? ''
        : ` on the ${plane === 'data' ? 'jobs data' : 'control'} plane; it is a ${routed.otherPlane === 'data' ? 'jobs data-plane (sign with service iot-jobs-data)' : 'control-plane (sign with service iot or execute-api)'} operation`;
    throw unknownOperation(`No operation for ${method} ${target.path}${hint}`);
  }
  const body = await readJsonBody(req, maxBodyBytes);
  const result = await handle(routed.match, { labels: routed.match.labels, query: target.query, body, headers: req.headers });
  sendJson(res, result.status, result.body);
}

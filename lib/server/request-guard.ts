/**
 * What the HTTP API checks before routing, so that a web page open in the
 * developer's browser cannot change the simulator's state:
 *
 * - `Host` must name this server: `localhost`, an IP literal, the host it
 *   binds, or a configured name. A DNS-rebinding page reaches the server under
 *   its own domain name, which is refused.
 * - A request carrying `Origin` (every cross-origin request a browser sends,
 *   and every POST) is refused unless the origin is allowed; allowed origins
 *   get CORS headers and their preflights are answered.
 * - A state-changing request (POST, PUT, PATCH, DELETE) with a body must say
 *   `Content-Type: application/json`, as the AWS SDKs do: the bodies a page
 *   can send without a preflight (`text/plain`, forms) are refused.
 *
 * Refusals are AWS-shaped rest-json errors (403 `AccessDeniedException`, 415
 * `UnsupportedMediaTypeException`).
 * @packageDocumentation
 */

import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';

/** Options of {@link guardRequest}. */
export interface RequestGuardOptions {
  /**
   * Host names accepted in the `Host` header besides `localhost`, IP literals
   * and the host the server binds; `'*'` accepts any (turns the DNS-rebinding
   * check off).
   * @defaultValue none
   */
  allowedHosts?: readonly string[];
  /**
   * Origins (`scheme://host[:port]`) of browser-based tools allowed to call
   * the API; `'*'` allows any (turns the cross-origin check off).
   * @defaultValue none: a request with an `Origin` header is refused
   */
  allowedOrigins?: readonly string[];
}

/** Media types accepted on a request body: the AWS SDKs send `application/json`. */
export const JSON_MEDIA_TYPES: readonly string[] = ['application/json', 'application/x-amz-json-1.0', 'application/x-amz-json-1.1'];

/** Methods that change state and must therefore carry JSON, or no body. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Headers an allowed browser tool may send (those the AWS SDK for JavaScript sends). */
const CORS_ALLOW_HEADERS = 'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, x-amz-content-sha256';

/** What the guard decided. */
export type GuardVerdict =
  /** Serve the request. */
  | { readonly kind: 'serve' }
  /** A CORS preflight of an allowed origin was answered; nothing more to do. */
  | { readonly kind: 'answered' };

/**
 * Checks `req`. For an allowed `Origin` it sets the CORS response headers on
 * `res`, and it answers an allowed preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) itself.
 * @param boundHost - the host the server binds (always accepted in `Host`).
 * @throws {@link HttpError} 403 AccessDeniedException for a foreign Host or Origin, 415 UnsupportedMediaTypeException for a body that is not JSON.
 */
export function guardRequest(req: IncomingMessage, res: ServerResponse, boundHost: string, options: RequestGuardOptions = {}): GuardVerdict {
  checkHost(req.headers.host, boundHost, options.allowedHosts ?? []);
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const allowed = options.allowedOrigins ?? [];
    if (!allowed.includes('*') && !allowed.includes(origin)) {
      throw new HttpError(403, 'AccessDeniedException', `Requests from origin ${JSON.stringify(origin.slice(0, 200))} are not allowed; start the simulator with --allow-origin ${origin.slice(0, 200)} to allow a browser-based tool.`);
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'x-amzn-ErrorType, x-amzn-RequestId');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': CORS_ALLOW_HEADERS,
        'access-control-max-age': '600',
        'content-length': 0,
      });
      res.end();
      return { kind: 'answered' };
    }
  }
  if (STATE_CHANGING.has(req.method ?? '')) checkContentType(req);
  return { kind: 'serve' };
}

/** The host name of a `Host` header value (`[::1]:80` → `::1`, `a.b:80` → `a.b`), lower case. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

function checkHost(host: string | undefined, boundHost: string, allowedHosts: readonly string[]): void {
  // HTTP/1.0 may omit Host (node:http refuses an HTTP/1.1 request without one); browsers always send it.
  if (host === undefined || allowedHosts.includes('*')) return;
  const name = hostName(host);
  if (name === 'localhost' || isIP(name) !== 0 || name === boundHost.toLowerCase()) return;
  if (allowedHosts.some((allowed) => allowed.toLowerCase() === name)) return;
  throw new HttpError(403, 'AccessDeniedException', `The Host ${JSON.stringify(host.slice(0, 200))} is not this server; start the simulator with --allow-host ${name.slice(0, 200)} to serve it under that name.`);
}

function checkContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined) {
    if (!hasBody(req)) return;
  } else {
    const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (JSON_MEDIA_TYPES.includes(mediaType)) return;
  }
  throw new HttpError(415, 'UnsupportedMediaTypeException', `A ${req.method ?? ''} request body must be sent with Content-Type: application/json, not ${type === undefined ? 'without a Content-Type' : JSON.stringify(type.slice(0, 100))}.`);
}

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

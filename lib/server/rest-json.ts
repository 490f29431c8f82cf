/**
 * Writing rest-json responses: JSON bodies with an exact Content-Length and
 * errors in AWS's wire format, so that the AWS SDKs decode them unchanged.
 * @packageDocumentation
 */

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { HttpError } from './http-error.js';

/**
 * Sends `body` as JSON with status `status`. `undefined` sends an empty body
 * (DeleteJob answers with Content-Length 0).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * Sends an {@link HttpError}: its status, `x-amzn-ErrorType: <type>` and
 * `{"message": ...}` (plus the error's extra members). When `close` is true the connection is closed after the
 * answer (the request body was not read to its end).
 */
export function sendError(res: ServerResponse, error: HttpError, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ message: error.message, ...error.members });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-ErrorType': error.errorType,
    'x-amzn-RequestId': randomUUID(),
  };
  if (close) headers.connection = 'close';
  res.writeHead(error.status, headers);
  res.end(text);
}

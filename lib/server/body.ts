/**
 * Reading a JSON request body with a size limit. An empty body reads as `{}`;
 * anything that is not a JSON object is an InvalidRequestException.
 * @packageDocumentation
 */

import type { IncomingMessage } from 'node:http';
import { isJsonObject, type JsonObject } from '../protocol/json.js';
import { HttpError, invalidRequest } from './http-error.js';

/** Largest request body the HTTP API reads (a job document is at most 32 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** 413 for a body over the limit; the connection is closed after the answer. */
export class BodyTooLargeError extends HttpError {
  /** @param limit - the limit in bytes. */
  constructor(limit: number) {
    super(413, 'RequestEntityTooLargeException', `Request body exceeds ${limit} bytes`);
  }
}

/**
 * Reads `req`'s body and parses it as a JSON object.
 * @param maxBytes - the limit. @defaultValue {@link DEFAULT_MAX_BODY_BYTES}
 * @throws {@link BodyTooLargeError} when the body (or its Content-Length) exceeds `maxBytes`.
 * @throws {@link HttpError} 400 InvalidRequestException when the body is not UTF-8 JSON or not an object.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<JsonObject> {
  const text = await readBody(req, maxBytes);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`Malformed JSON request body: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isJsonObject(parsed)) throw invalidRequest('The request body must be a JSON object');
  return parsed;
}

/** Reads the whole body as UTF-8 text, refusing more than `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch (error) {
        reject(invalidRequest('The request body is not UTF-8', { cause: error }));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => onError(new Error('the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

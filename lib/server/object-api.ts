/**
 * The object side of the HTTP port: an S3-compatible subset (path-style
 * `PUT`/`GET`/`HEAD`/`DELETE /BUCKET/KEY`, requests signed for service `s3`,
 * so that `@aws-sdk/client-s3` with `forcePathStyle` can upload job
 * documents and firmware), and `GET` of the presigned URLs that replace
 * `${aws:iot:s3-presigned-url:...}` placeholders in job documents
 * (docs/protocol.md §8). Every other request goes to the Jobs APIs.
 * @packageDocumentation
 */

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { JobsSimulator } from '../testing/simulator/jobs-simulator.js';
import { parsePresignedPath } from '../testing/simulator/presigned-urls.js';
import { HttpError } from './http-error.js';
import { signingService } from './plane.js';
import { guardRequest, type RequestGuardOptions } from './request-guard.js';
import { sendError } from './rest-json.js';
import { parseRequestTarget } from './request-target.js';

/** Largest object the S3 subset takes, in bytes. */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/** Options of {@link withObjectApi}: the request guard's (Host and Origin checks) and the host the server binds. */
export interface ObjectApiOptions extends RequestGuardOptions {
  /** The host the server binds (always accepted in `Host`). */
  host?: string;
}

/**
 * Wraps the Jobs listener `next`: presigned-URL GETs and `s3`-signed
 * requests are answered here, after the same Host and Origin checks as the
 * Jobs APIs (object bodies are not JSON, so the content-type rule does not
 * apply); everything else is passed on.
 */
export function withObjectApi(simulator: JobsSimulator, next: RequestListener, options: ObjectApiOptions = {}): RequestListener {
  const guard: RequestGuardOptions = {
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
  };
  return (req, res) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const pathname = mark === -1 ? url : url.slice(0, mark);
    const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
    const presigned = parsePresignedPath(pathname);
    const isObjectRequest = (presigned !== undefined && (req.method === 'GET' || req.method === 'HEAD')) || signingService(req.headers, query) === 's3';
    if (!isObjectRequest) {
      next(req, res);
      return;
    }
    try {
      if (guardRequest(req, res, options.host ?? '', guard).kind === 'answered') return;
    } catch (error) {
      // 415 comes last in the guard: Host and Origin passed, and object bodies need not be JSON.
      if (!(error instanceof HttpError && error.status === 415)) {
        sendError(res, error instanceof HttpError ? error : new HttpError(500, 'InternalFailureException', 'The simulator failed to process the request'), true);
        return;
      }
    }
    if (presigned && (req.method === 'GET' || req.method === 'HEAD')) {
      const resolved = simulator.resolvePresignedUrl(`http://host${url}`);
      if (!resolved.ok) sendS3Error(res, resolved.code === 'NoSuchKey' ? 404 : 403, resolved.code, resolved.message);
      else sendObject(res, req.method, resolved.object);
      return;
    }
    serveS3(simulator, req, res).catch(() => sendS3Error(res, 500, 'InternalError', 'The simulator failed to process the request.'));
  };
}

async function serveS3(simulator: JobsSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let segments: readonly string[];
  try {
    segments = parseRequestTarget(req.url ?? '/').segments;
  } catch {
    sendS3Error(res, 400, 'InvalidURI', 'Could not parse the specified URI.');
    return;
  }
  const [bucket, ...rest] = segments;
  const key = rest.join('/');
  if (bucket === undefined || bucket === '') {
    sendS3Error(res, 400, 'InvalidRequest', 'Use path-style requests: /BUCKET/KEY (forcePathStyle: true).');
    return;
  }
  const method = req.method ?? 'GET';
  if (key === '') {
    // CreateBucket / HeadBucket: buckets need no creation in the simulator.
    if (method === 'PUT' || method === 'HEAD') {
      await drain(req);
      res.writeHead(200, { 'content-length': 0 }).end();
    } else sendS3Error(res, 501, 'NotImplemented', `${method} on a bucket is not supported by the simulator.`);
    return;
  }
  switch (method) {
    case 'PUT': {
      const body = await readBody(req);
      if (body === undefined) {
        sendS3Error(res, 400, 'EntityTooLarge', `Your proposed upload exceeds ${MAX_OBJECT_BYTES} bytes.`, true);
        return;
      }
      if (/aws-chunked/i.test(String(req.headers['content-encoding'] ?? ''))) {
        sendS3Error(res, 501, 'NotImplemented', 'aws-chunked uploads are not supported by the simulator; send the body as a Buffer or string.');
        return;
      }
      const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined;
      let stored: { etag: string };
      try {
        stored = simulator.putObject(bucket, key, body, contentType);
      } catch (error) {
        sendS3Error(res, 400, 'InvalidArgument', error instanceof Error ? error.message : String(error));
        return;
      }
      res.writeHead(200, { etag: stored.etag, 'content-length': 0 }).end();
      return;
    }
    case 'GET':
    case 'HEAD': {
      await drain(req);
      const object = simulator.getObject(bucket, key);
      if (!object) sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      else sendObject(res, method, object);
      return;
    }
    case 'DELETE':
      await drain(req);
      simulator.deleteObject(bucket, key);
      res.writeHead(204).end();
      return;
    default:
      await drain(req);
      sendS3Error(res, 501, 'NotImplemented', `${method} is not supported by the simulator's S3 subset.`);
  }
}

function sendObject(res: ServerResponse, method: string, object: { body: Buffer; contentType: string; etag: string }): void {
  res.writeHead(200, { 'content-type': object.contentType, 'content-length': object.body.length, etag: object.etag });
  res.end(method === 'HEAD' ? undefined : object.body);
}

function sendS3Error(res: ServerResponse, status: number, code: string, message: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const escape = (text: string): string => text.replace(/[<>&]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[char] ?? char);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escape(message)}</Message></Error>`;
  const headers: Record<string, string | number> = { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

/** The request body, or undefined when it exceeds {@link MAX_OBJECT_BYTES}. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OBJECT_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.resume();
    if (req.readableEnded) resolve();
    else req.once('end', () => resolve()).once('error', () => resolve());
  });
}

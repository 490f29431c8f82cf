/**
 * The simulator's S3 stand-in: objects by bucket and key, for job documents
 * named by `documentSource` and for the files that presigned-URL
 * placeholders point at (docs/protocol.md §8). Buckets need no creation.
 * @packageDocumentation
 */

import { createHash } from 'node:crypto';

/** A stored object. */
export interface StoredObject {
  /** The object's bytes. */
  readonly body: Buffer;
  /** The Content-Type given when it was stored. @defaultValue 'application/octet-stream' */
  readonly contentType: string;
  /** The quoted MD5 of the body, as S3 gives it. */
  readonly etag: string;
}

/** Objects by bucket and key. */
export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();

  /** Stores (or replaces) an object. */
  put(bucket: string, key: string, body: Buffer | string, contentType = 'application/octet-stream'): StoredObject {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const object: StoredObject = { body: bytes, contentType, etag: `"${createHash('md5').update(bytes).digest('hex')}"` };
    this.objects.set(`${bucket}/${key}`, object);
    return object;
  }

  /** The object, if stored. */
  get(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(`${bucket}/${key}`);
  }

  /** Removes an object; true if it existed. */
  delete(bucket: string, key: string): boolean {
    return this.objects.delete(`${bucket}/${key}`);
  }
}

/**
 * Bucket and key of an S3 URL in one of the forms AWS documents for job
 * documents: `https://s3.amazonaws.com/BUCKET/KEY`,
 * `https://s3.REGION.amazonaws.com/BUCKET/KEY` or
 * `https://BUCKET.s3[.REGION].amazonaws.com/KEY`; undefined otherwise.
 */
export function parseS3Url(text: string): { bucket: string; key: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const path = url.pathname.replace(/^\//, '');
  const decode = (part: string): string | undefined => {
    try {
      return decodeURIComponent(part);
    } catch {
      return undefined;
    }
  };
  if (/^s3([.-][a-z0-9-]+)?\.amazonaws\.com$/.test(url.hostname)) {
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) return undefined;
    const key = decode(path.slice(slash + 1));
    return key === undefined ? undefined : { bucket: path.slice(0, slash), key };
  }
  const hosted = /^([a-z0-9.-]{3,63})\.s3([.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(url.hostname);
  if (hosted?.[1] && path !== '') {
    const key = decode(path);
    return key === undefined ? undefined : { bucket: hosted[1], key };
  }
  return undefined;
}

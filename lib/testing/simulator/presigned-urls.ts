/**
 * Presigned URLs (docs/protocol.md §8): in the document a device receives, each
 * `${aws:iot:s3-presigned-url:<S3 URL>}` placeholder becomes a URL the
 * simulator serves, valid for `presignedUrlConfig.expiresInSec` (default 3600)
 * on the simulator's clock and signed with a per-simulator secret, so a
 * tampered or expired URL is refused. GetJobDocument and DescribeJob keep the
 * placeholder, as AWS does.
 * @packageDocumentation
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimulatorClock } from './clock.js';
import { parseS3Url, type ObjectStore, type StoredObject } from './object-store.js';

/** AWS's default validity of presigned URLs, in seconds. */
export const DEFAULT_PRESIGNED_EXPIRY_SEC = 3600;
/** The path under which the simulator's HTTP port serves presigned URLs. */
export const PRESIGNED_PATH = '/presigned-objects';
/** The base used until a server says where it listens: not resolvable, but {@link PresignedUrls.resolve} accepts it. */
export const UNSERVED_BASE_URL = 'https://objects.simulator.invalid';

const PLACEHOLDER = /\$\{aws:iot:s3-presigned-url:([^}]*)\}/g;

/** What a presigned URL resolves to. */
export type Resolved =
  | {
      /** The URL is valid and the object exists. */
      ok: true;
      /** The object. */
      object: StoredObject;
    }
  | {
      /** The URL is refused. */
      ok: false;
      /** `AccessDenied` (bad or expired signature) or `NoSuchKey`. */
      code: 'AccessDenied' | 'NoSuchKey';
      /** Why. */
      message: string;
    };

/** Signs and checks the simulator's presigned URLs. */
export class PresignedUrls {
  /** Where the URLs point: the HTTP port of a standalone server, or {@link UNSERVED_BASE_URL}. */
  baseUrl = UNSERVED_BASE_URL;
  private readonly secret = randomBytes(32);

  /** @param clock - the simulator's clock. @param objects - where the objects are. */
  constructor(
    private readonly clock: SimulatorClock,
    private readonly objects: ObjectStore,
  ) {}

  /** Whether `text` holds a presigned-URL placeholder. */
  static hasPlaceholder(text: string): boolean {
    return text.includes('${aws:iot:s3-presigned-url:');
  }

  /** The S3 URLs of the placeholders in `text` that are not S3 URLs the simulator understands. */
  static badPlaceholders(text: string): string[] {
    return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '').filter((url) => parseS3Url(url) === undefined);
  }

  /** A URL for `bucket`/`key`, valid for `expiresInSec` from now. */
  sign(bucket: string, key: string, expiresInSec: number): string {
    const expires = Math.floor(this.clock.now() / 1000) + expiresInSec;
    const path = `${PRESIGNED_PATH}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return `${this.baseUrl}${path}?X-Sim-Expires=${expires}&X-Sim-Signature=${this.mac(bucket, key, expires)}`;
  }

  /** Replaces every placeholder of the document text with a fresh URL. */
  substitute(text: string, expiresInSec: number): string {
    return text.replace(PLACEHOLDER, (whole, url: string) => {
      const target = parseS3Url(url);
      // A URL inside JSON text: escape what JSON strings need.
      return target ? JSON.stringify(this.sign(target.bucket, target.key, expiresInSec)).slice(1, -1) : whole;
    });
  }

  /**
   * Checks a request for `bucket`/`key` with its query: the signature must
   * match and the expiry must not have passed on the simulator's clock.
   */
  check(bucket: string, key: string, query: URLSearchParams): Resolved {
    const expires = Number(query.get('X-Sim-Expires'));
    const signature = query.get('X-Sim-Signature') ?? '';
    const expected = Number.isSafeInteger(expires) ? this.mac(bucket, key, expires) : '';
    if (expected === '' || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      return { ok: false, code: 'AccessDenied', message: 'The request signature does not match.' };
    }
    if (Math.floor(this.clock.now() / 1000) >= expires) return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    const object = this.objects.get(bucket, key);
    if (!object) return { ok: false, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    return { ok: true, object };
  }

  /** Resolves a full URL made by {@link PresignedUrls.sign} (whatever its base), as the HTTP port would. */
  resolve(url: string): Resolved {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, code: 'AccessDenied', message: 'Not a presigned URL of this simulator.' };
    }
    const target = parsePresignedPath(parsed.pathname);
    if (!target) return { ok: false, code: 'AccessDenied', message: 'Not a presigned URL of this simulator.' };
    return this.check(target.bucket, target.key, parsed.searchParams);
  }

  private mac(bucket: string, key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${bucket}\n${key}\n${expires}`).digest('hex');
  }
}

/** Bucket and key of a path under {@link PRESIGNED_PATH}; undefined for any other path. */
export function parsePresignedPath(pathname: string): { bucket: string; key: string } | undefined {
  if (!pathname.startsWith(`${PRESIGNED_PATH}/`)) return undefined;
  const parts = pathname.slice(PRESIGNED_PATH.length + 1).split('/');
  if (parts.length < 2 || parts.some((part) => part === '')) return undefined;
  try {
    const [bucket, ...key] = parts.map(decodeURIComponent);
    return { bucket: bucket ?? '', key: key.join('/') };
  } catch {
    return undefined;
  }
}

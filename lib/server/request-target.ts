/**
 * Splits a request target into percent-decoded path segments and query
 * parameters. The AWS SDKs percent-encode path labels (`%24next` for `$next`,
 * `%3A` for a colon in a thing name), so every segment is decoded once.
 * @packageDocumentation
 */

import { invalidRequest } from './http-error.js';

/** A parsed request target. */
export interface RequestTarget {
  /** The raw path, as sent, for messages. */
  readonly path: string;
  /** Percent-decoded path segments: `/things/a%3Ab/jobs` gives `['things', 'a:b', 'jobs']`. */
  readonly segments: readonly string[];
  /** The query parameters, decoded. */
  readonly query: URLSearchParams;
}

/**
 * Parses `url` (the `req.url` of node:http).
 * @throws {@link HttpError} 400 InvalidRequestException when a segment has a bad percent escape.
 */
export function parseRequestTarget(url: string): RequestTarget {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  // '/' alone has no segments; '/jobs' has one; a trailing slash keeps an
  // empty last segment, which no route matches.
  const raw = path === '/' || path === '' ? [] : path.replace(/^\//, '').split('/');
  const segments = raw.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch (error) {
      throw invalidRequest(`Malformed percent-encoding in path segment ${JSON.stringify(segment.slice(0, 80))}`, { cause: error });
    }
  });
  return { path, segments, query };
}

/**
 * `maxResults` / `nextToken` paging of the control-plane list operations
 * (maxResults 1-250, docs/protocol.md §9). Tokens are opaque to callers.
 * @packageDocumentation
 */

import { optionalInteger } from './control-validation.js';
import { invalidRequest } from './simulator-error.js';

/** One page of `items`, and the token of the next page when there is one. */
export function page<T>(items: readonly T[], maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  const size = optionalInteger(maxResults, 'maxResults', 1, 250) ?? items.length;
  const start = readToken(nextToken);
  const end = start + size;
  const out: { items: T[]; nextToken?: string } = { items: items.slice(start, end) };
  if (end < items.length) out.nextToken = Buffer.from(`sim:${end}`).toString('base64url');
  return out;
}

function readToken(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  const match = typeof token === 'string' ? /^sim:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString()) : null;
  if (!match?.[1]) throw invalidRequest('The nextToken is not valid.');
  return Number(match[1]);
}

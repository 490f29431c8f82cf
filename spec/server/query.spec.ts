import { describe, expect, test } from '@jest/globals';
import { queryBoolean, queryInteger, queryString } from '../../lib/server/query.js';

const q = (text: string): URLSearchParams => new URLSearchParams(text);

describe('query parameters', () => {
  test('booleans are true or false', () => {
    expect(queryBoolean(q('force=true'), 'force')).toBe(true);
    expect(queryBoolean(q('force=false'), 'force')).toBe(false);
    expect(queryBoolean(q(''), 'force')).toBeUndefined();
    for (const bad of ['force=1', 'force=TRUE', 'force=', 'force=yes']) {
      expect(() => queryBoolean(q(bad), 'force')).toThrow(expect.objectContaining({ status: 400, errorType: 'InvalidRequestException' }));
    }
  });

  test('integers are decimal, at least the minimum', () => {
    expect(queryInteger(q('executionNumber=7'), 'executionNumber')).toBe(7);
    expect(queryInteger(q('maxResults=1'), 'maxResults', 1)).toBe(1);
    expect(queryInteger(q(''), 'maxResults')).toBeUndefined();
    for (const bad of ['maxResults=0', 'maxResults=1.5', 'maxResults=abc', 'maxResults=', 'maxResults=99999999999999999']) {
      expect(() => queryInteger(q(bad), 'maxResults', 1)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('maxResults') }));
    }
  });

  test('strings pass through', () => {
    expect(queryString(q('status=QUEUED'), 'status')).toBe('QUEUED');
    expect(queryString(q(''), 'status')).toBeUndefined();
  });
});

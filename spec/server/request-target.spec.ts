import { describe, expect, test } from '@jest/globals';
import { HttpError } from '../../lib/server/http-error.js';
import { parseRequestTarget } from '../../lib/server/request-target.js';

describe('parseRequestTarget', () => {
  test('splits and percent-decodes path segments', () => {
    const target = parseRequestTarget('/things/my%3Athing/jobs/%24next');
    expect(target.segments).toEqual(['things', 'my:thing', 'jobs', '$next']);
    expect(target.path).toBe('/things/my%3Athing/jobs/%24next');
  });

  test('a literal $next and an encoded one decode the same', () => {
    expect(parseRequestTarget('/things/t/jobs/$next').segments).toEqual(parseRequestTarget('/things/t/jobs/%24next').segments);
  });

  test('decodes each segment once: %2F stays inside its segment', () => {
    expect(parseRequestTarget('/things/a%2Fb/jobs').segments).toEqual(['things', 'a/b', 'jobs']);
    expect(parseRequestTarget('/things/a%2524b').segments).toEqual(['things', 'a%24b']);
  });

  test('reads the query, decoded', () => {
    const target = parseRequestTarget('/jobs?status=IN_PROGRESS&nextToken=a%2Bb&maxResults=2');
    expect(target.segments).toEqual(['jobs']);
    expect(target.query.get('status')).toBe('IN_PROGRESS');
    expect(target.query.get('nextToken')).toBe('a+b');
    expect(target.query.get('maxResults')).toBe('2');
  });

  test('root and trailing slashes', () => {
    expect(parseRequestTarget('/').segments).toEqual([]);
    expect(parseRequestTarget('/jobs/').segments).toEqual(['jobs', '']);
  });

  test('a bad percent escape is a 400 InvalidRequestException', () => {
    let caught: unknown;
    try {
      parseRequestTarget('/things/%E0%A4%A/jobs');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HttpError);
    expect(caught).toMatchObject({ status: 400, errorType: 'InvalidRequestException' });
  });
});

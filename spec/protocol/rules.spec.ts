import { describe, expect, test } from '@jest/globals';
import { InvalidArgumentError } from '../../lib/errors.js';
import { assertClientToken, assertDescribeJobId, assertDeviceStatus, assertJobId, assertStatusDetails, assertStepTimeout, assertThingName, assertTimeoutMs } from '../../lib/client/arguments.js';

/** Asserts that `fn` throws an InvalidArgumentError for `field`. */
function expectInvalid(fn: () => void, field: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as InvalidArgumentError).field).toBe(field);
  expect((caught as InvalidArgumentError).name).toBe('InvalidArgumentError');
}

const HOSTILE_NAMES = ['', '+', '#', 'a/b', 'thing/+', '$aws', '$next', 'a\u0000b', 'a b', 'ü', '../x', 'a#', 'a+b'];

describe('thingName: [a-zA-Z0-9:_-]{1,128}', () => {
  test.each(['t', 'my:thing', 'Thing_1-2', 'a'.repeat(128), '0'])('accepts %j', (name) => {
    expect(() => assertThingName(name)).not.toThrow();
  });
  test.each([...HOSTILE_NAMES, 'a'.repeat(129), 42, null, undefined, {}])('refuses %j', (name) => {
    expectInvalid(() => assertThingName(name), 'thingName');
  });
  test('the message names the rule', () => {
    expect(() => assertThingName('a/b')).toThrow('Invalid thingName: "a/b" must be 1-128 characters of [a-zA-Z0-9:_-]');
  });
});

describe('jobId: [a-zA-Z0-9_-]{1,64}', () => {
  test.each(['j', 'job-1', 'JOB_2', 'j'.repeat(64), 'get', 'notify', 'start-next'])('accepts %j', (id) => {
    expect(() => assertJobId(id)).not.toThrow();
  });
  test.each([...HOSTILE_NAMES, 'a:b', 'j'.repeat(65), 7])('refuses %j', (id) => {
    expectInvalid(() => assertJobId(id), 'jobId');
  });
  test('$next only for DescribeJobExecution', () => {
    expect(() => assertDescribeJobId('$next')).not.toThrow();
    expect(() => assertDescribeJobId('job-1')).not.toThrow();
    expectInvalid(() => assertDescribeJobId('$nex'), 'jobId');
    expectInvalid(() => assertDescribeJobId('+'), 'jobId');
    expectInvalid(() => assertJobId('$next'), 'jobId');
  });
});

describe('statusDetails', () => {
  test.each([{}, { progress: '50%' }, { 'a:b_c-d': 'x'.repeat(1024) }, { k: 'naïve ✓ 日本' }])('accepts %j', (details) => {
    expect(() => assertStatusDetails(details)).not.toThrow();
  });
  test.each([
    [{ 'a b': 'x' }, 'statusDetails key "a b"'],
    [{ '': 'x' }, 'statusDetails key ""'],
    [{ ['k'.repeat(129)]: 'x' }, `statusDetails key ${JSON.stringify('k'.repeat(40))}`],
    [{ k: '' }, 'statusDetails.k'],
    [{ k: 'x'.repeat(1025) }, 'statusDetails.k'],
    [{ k: 'bell\u0007' }, 'statusDetails.k'],
    [{ k: 'nul\u0000' }, 'statusDetails.k'],
    [{ k: 'zero\u200Bwidth' }, 'statusDetails.k'],
    [{ k: 5 }, 'statusDetails.k'],
    [{ k: null }, 'statusDetails.k'],
    [null, 'statusDetails'],
    [['a'], 'statusDetails'],
    ['text', 'statusDetails'],
  ])('refuses %j', (details, field) => {
    expectInvalid(() => assertStatusDetails(details), field);
  });
});

describe('stepTimeoutInMinutes: 1..10080, -1 on update', () => {
  test.each([1, 60, 10080])('accepts %j', (minutes) => {
    expect(() => assertStepTimeout(minutes, false)).not.toThrow();
  });
  test.each([0, 10081, -1, -2, 1.5, NaN, Infinity, '5'])('refuses %j without cancel', (minutes) => {
    expectInvalid(() => assertStepTimeout(minutes, false), 'stepTimeoutInMinutes');
  });
  test('-1 is accepted where cancel is allowed, -2 and 0 are not', () => {
    expect(() => assertStepTimeout(-1, true)).not.toThrow();
    expectInvalid(() => assertStepTimeout(-2, true), 'stepTimeoutInMinutes');
    expectInvalid(() => assertStepTimeout(0, true), 'stepTimeoutInMinutes');
  });
});

describe('device status', () => {
  test.each(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED'])('accepts %s', (status) => {
    expect(() => assertDeviceStatus(status)).not.toThrow();
  });
  test.each(['QUEUED', 'CANCELED', 'TIMED_OUT', 'REMOVED', 'SUCCESS', 'in_progress', '', 1])('refuses %j', (status) => {
    expectInvalid(() => assertDeviceStatus(status), 'status');
  });
});

describe('clientToken: 1-64 characters', () => {
  test.each(['a', 'x'.repeat(64), 'uuid-1234-abcd', 'with space'])('accepts %j', (token) => {
    expect(() => assertClientToken(token)).not.toThrow();
  });
  test.each(['', 'x'.repeat(65), 'a\u0000', 'new\nline', 12])('refuses %j', (token) => {
    expectInvalid(() => assertClientToken(token), 'clientToken');
  });
});

describe('timeoutMs', () => {
  test.each([0, 1, 5000, Infinity])('accepts %j', (ms) => {
    expect(() => assertTimeoutMs(ms)).not.toThrow();
  });
  test.each([-1, NaN, '100', null])('refuses %j', (ms) => {
    expectInvalid(() => assertTimeoutMs(ms), 'timeoutMs');
  });
});

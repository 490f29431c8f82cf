import { expect, test } from '@jest/globals';
import { Deferred } from '../../lib/client/deferred.js';
import { settleWithin } from '../../lib/client/deadline.js';
import { JobsTimeoutError } from '../../lib/errors.js';

test('settleWithin leaves Error.stackTraceLimit as it found it, and a timeout still carries a stack', async () => {
  const before = Error.stackTraceLimit;
  const resolved = new Deferred<number>('resolved');
  const pending = settleWithin(resolved, 1_000, undefined);
  expect(Error.stackTraceLimit).toBe(before);
  resolved.resolve(7, 'accepted');
  await expect(pending).resolves.toBe(7);

  const timedOut = settleWithin(new Deferred<number>('never'), 0, undefined);
  expect(Error.stackTraceLimit).toBe(before);
  const error = await timedOut.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(JobsTimeoutError);
  expect((error as Error).stack).toContain('JobsTimeoutError');
});

import { expect, test } from '@jest/globals';
import { Deferred } from '../../lib/client/deferred.js';
import { settleWithin } from '../../lib/client/deadline.js';
import { JobsAbortError, JobsClosedError, JobsTimeoutError } from '../../lib/errors.js';
import { jest } from '@jest/globals';

test('settleWithin leaves Error.stackTraceLimit as it found it, and a timeout still carries a stack', async () => {
  const before = Error.stackTraceLimit;
  const resolved = new Deferred<number>('resolved');
  const pending = settleWithin(resolved, { timeoutMs: 1_000 });
  expect(Error.stackTraceLimit).toBe(before);
  resolved.resolve(7, 'accepted');
  await expect(pending).resolves.toBe(7);

  const timedOut = settleWithin(new Deferred<number>('never'), { timeoutMs: 0 });
  expect(Error.stackTraceLimit).toBe(before);
  const error = await timedOut.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(JobsTimeoutError);
  expect((error as Error).stack).toContain('JobsTimeoutError');
});

test('one bounded wait: timeout with a fallback value, abort, the owner\'s close, and no listener left behind', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    const quiet = settleWithin(new Deferred<boolean>('quiet'), { timeoutMs: 60_000, onTimeout: () => false });
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(quiet).resolves.toBe(false);

    const user = new AbortController();
    const owner = new AbortController();
    const aborted = settleWithin(new Deferred<void>('aborted'), { timeoutMs: Infinity, signal: user.signal, closeSignal: owner.signal, closedError: () => new JobsClosedError('x') });
    user.abort();
    await expect(aborted).rejects.toBeInstanceOf(JobsAbortError);

    const closed = settleWithin(new Deferred<void>('closed'), { timeoutMs: Infinity, signal: user.signal, closeSignal: owner.signal, closedError: () => new JobsClosedError('x') });
    await expect(closed).rejects.toBeInstanceOf(JobsAbortError); // the user's signal was already aborted
    const owner2 = new AbortController();
    const closed2 = settleWithin(new Deferred<void>('closed'), { timeoutMs: 5_000, closeSignal: owner2.signal, closedError: () => new JobsClosedError('x') });
    owner2.abort();
    await expect(closed2).rejects.toThrow('x failed: Jobs closed');
    expect(jest.getTimerCount()).toBe(0);
  } finally {
    jest.useRealTimers();
  }
});

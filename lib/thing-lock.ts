/**
 * The per-thing mutex. Requests for one thing on one connection run one at a
 * time, in call order, across every Jobs and Job object of that thing.
 *
 * Why: AWS does not promise to process concurrent requests for one thing in
 * the order they were published, and each update must carry the
 * `expectedVersion` that the previous one produced. Serialising per thing
 * keeps "IN_PROGRESS, then SUCCEEDED" in that order and lets every update
 * start from the version its predecessor returned, so no VersionMismatch
 * races. Different things never wait for each other.
 *
 * The time a call spends queued here counts against its own deadline: the
 * wait is bounded by the call's timeout, its AbortSignal and its Jobs' close,
 * and a call that gives up while queued never runs (its turn passes at once).
 * @packageDocumentation
 */

import { Mutex } from 'async-mutex';
import type { JobsClient } from './client/jobs-client.js';
import { settleWithin, type WaitBounds } from './client/deadline.js';
import { Deferred } from './client/deferred.js';

const locks = new WeakMap<JobsClient, Map<string, Mutex>>();

/**
 * Runs `task` alone among the tasks for the same thing on the same client, in
 * call order, once its turn comes within `bounds`.
 * @param task - receives the milliseconds left of `bounds.timeoutMs` when its turn came.
 * @throws {@link JobsTimeoutError} / {@link JobsAbortError} / the closed error of `bounds` while queued (nothing sent).
 */
export async function withThingLock<T>(
  client: JobsClient,
  thingName: string,
  name: string,
  bounds: Omit<WaitBounds<void>, 'onTimeout' | 'requestSent'>,
  task: (remainingMs: number) => Promise<T>,
): Promise<T> {
  let byThing = locks.get(client);
  if (!byThing) {
    byThing = new Map();
    locks.set(client, byThing);
  }
  let mutex = byThing.get(thingName);
  if (!mutex) {
    mutex = new Mutex();
    byThing.set(thingName, mutex);
  }
  if (!mutex.isLocked() && bounds.signal?.aborted !== true && bounds.closeSignal?.aborted !== true) {
    // Fast path: nobody holds the lock, so there is no queue to bound (no timer, no listener).
    const releaseNow = await mutex.acquire();
    try {
      return await task(bounds.timeoutMs);
    } finally {
      releaseNow();
      if (!mutex.isLocked() && byThing.get(thingName) === mutex) byThing.delete(thingName);
    }
  }
  const queuedAt = Date.now();
  const acquired = mutex.acquire();
  const turn = new Deferred<void>(name);
  let release: (() => void) | undefined;
  void acquired.then((releaser) => {
    // A call that gave up while queued lets its turn pass at once.
    if (turn.resolve(undefined)) release = releaser;
    else releaser();
  });
  try {
    await settleWithin(turn, bounds);
    const remainingMs = bounds.timeoutMs === Number.POSITIVE_INFINITY ? bounds.timeoutMs : Math.max(0, bounds.timeoutMs - (Date.now() - queuedAt));
    return await task(remainingMs);
  } finally {
    release?.();
    // Forget idle mutexes so a gateway's map does not grow with every thing it ever served.
    if (!mutex.isLocked() && byThing.get(thingName) === mutex) byThing.delete(thingName);
  }
}

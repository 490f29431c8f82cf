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
 * @packageDocumentation
 */

import { Mutex } from 'async-mutex';
import type { JobsClient } from './client/jobs-client.js';

const locks = new WeakMap<JobsClient, Map<string, Mutex>>();

/** Runs `task` alone among the tasks for the same thing on the same client, in call order. */
export async function withThingLock<T>(client: JobsClient, thingName: string, task: () => Promise<T>): Promise<T> {
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
  try {
    return await mutex.runExclusive(task);
  } finally {
    // Forget idle mutexes so a gateway's map does not grow with every thing it ever served.
    if (!mutex.isLocked() && byThing.get(thingName) === mutex) byThing.delete(thingName);
  }
}

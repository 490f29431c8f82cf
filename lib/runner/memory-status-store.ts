/**
 * A status store that lives in memory: for tests, and for devices that accept
 * losing a final status on a restart.
 * @packageDocumentation
 */

import type { StatusStore, StoredStatus } from './status-store.js';

/** Keeps final statuses in a Map; survives a runner's restart, not the process's. */
export class MemoryStatusStore implements StatusStore {
  private readonly entries = new Map<string, StoredStatus>();

  /** How many entries are stored, for every thing. */
  get size(): number {
    return this.entries.size;
  }

  /** Stores (or replaces) an entry. */
  put(status: StoredStatus): Promise<void> {
    this.entries.delete(keyOf(status.thingName, status.jobId));
    this.entries.set(keyOf(status.thingName, status.jobId), { ...status });
    return Promise.resolve();
  }

  /** Forgets an entry. */
  delete(thingName: string, jobId: string): Promise<void> {
    this.entries.delete(keyOf(thingName, jobId));
    return Promise.resolve();
  }

  /** The thing's entries, oldest first. */
  list(thingName: string): Promise<StoredStatus[]> {
    const found = [...this.entries.values()].filter((entry) => entry.thingName === thingName).map((entry) => ({ ...entry }));
    return Promise.resolve(found.sort((a, b) => a.finishedAt - b.finishedAt));
  }
}

function keyOf(thingName: string, jobId: string): string {
  return `${thingName}\n${jobId}`;
}

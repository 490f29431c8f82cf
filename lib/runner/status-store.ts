/**
 * The runner's status outbox: where a final status waits, durably, until the
 * Jobs service has accepted it. {@link FileStatusStore} is the default,
 * {@link MemoryStatusStore} is for tests; any object with these three methods
 * will do (a database, a flash partition).
 * @packageDocumentation
 */

import type { StatusDetails } from '../protocol/shapes.js';

/** A final status a device may set. */
export type FinalStatus = 'SUCCEEDED' | 'FAILED' | 'REJECTED';

/** One final status waiting for the service to accept it. */
export interface StoredStatus {
  /** The thing the execution belongs to. */
  readonly thingName: string;
  /** The job. */
  readonly jobId: string;
  /** Which execution of the job, when known; the update then names it. */
  readonly executionNumber?: number;
  /** The final status the handler chose. */
  readonly status: FinalStatus;
  /** The status details to send with it. */
  readonly statusDetails?: StatusDetails;
  /** When the handler finished, in epoch milliseconds. */
  readonly finishedAt: number;
}

/**
 * Durable storage for final statuses, one entry per (thing, job). `put` must
 * not resolve before the entry would survive a power cut; `delete` of an
 * absent entry is not an error.
 */
export interface StatusStore {
  /** Stores (or replaces) the entry of `status.thingName` / `status.jobId`. */
  put(status: StoredStatus): Promise<void>;
  /** Forgets the entry of this thing and job. */
  delete(thingName: string, jobId: string): Promise<void>;
  /** Every entry of this thing, oldest first. */
  list(thingName: string): Promise<StoredStatus[]>;
}

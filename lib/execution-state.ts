/**
 * One truth per execution: the state of each (connection, thing, job) as last
 * seen (version, status, details, document, times), shared by every `Jobs`
 * of that thing on that connection and by every `Job` handle they give out.
 * An update through one handle chains its `expectedVersion` for all of them.
 * Internal: `Job` reads it through getters; only `Jobs` and `Job` write it.
 * @packageDocumentation
 */

import type { JobsClient } from './client/jobs-client.js';
import type { JsonObject } from './protocol/json.js';
import type { JobExecution, JobExecutionState, JobExecutionStatus, JobExecutionSummary, StatusDetails } from './protocol/shapes.js';
import { toDate } from './times.js';

/** The state of one execution as last seen. */
export interface ExecutionRecord {
  executionNumber: number | undefined;
  version: number | undefined;
  status: JobExecutionStatus | undefined;
  statusDetails: StatusDetails | undefined;
  document: JsonObject | undefined;
  queuedAt: Date | undefined;
  startedAt: Date | undefined;
  lastUpdatedAt: Date | undefined;
  approximateSecondsBeforeTimedOut: number | undefined;
}

/** The records of one thing on one client, shared by its Jobs objects. */
export interface ThingExecutions {
  /** The record of `jobId`, created empty on first use. */
  record(jobId: string): ExecutionRecord;
  /** Forgets the records of jobs no longer pending (handles keep theirs). */
  forgetAllBut(pendingJobIds: ReadonlySet<string>): void;
  /** Gives up this user's share; the table goes with the last one. */
  release(): void;
}

interface Table {
  users: number;
  readonly records: Map<string, ExecutionRecord>;
}

const TABLES = new WeakMap<JobsClient, Map<string, Table>>();

/** Takes a share of the execution records of `thingName` on `client`. */
export function shareExecutions(client: JobsClient, thingName: string): ThingExecutions {
  let byThing = TABLES.get(client);
  if (byThing === undefined) {
    byThing = new Map();
    TABLES.set(client, byThing);
  }
  let table = byThing.get(thingName);
  if (table === undefined) {
    table = { users: 0, records: new Map() };
    byThing.set(thingName, table);
  }
  table.users += 1;
  const shared = table;
  const things = byThing;
  let released = false;
  return {
    record(jobId) {
      let record = shared.records.get(jobId);
      if (record === undefined) {
        record = emptyRecord();
        shared.records.set(jobId, record);
      }
      return record;
    },
    forgetAllBut(pendingJobIds) {
      for (const jobId of shared.records.keys()) if (!pendingJobIds.has(jobId)) shared.records.delete(jobId);
    },
    release() {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users === 0 && things.get(thingName) === shared) things.delete(thingName);
    },
  };
}

/** A record with nothing seen yet. */
export function emptyRecord(): ExecutionRecord {
  return {
    executionNumber: undefined,
    version: undefined,
    status: undefined,
    statusDetails: undefined,
    document: undefined,
    queuedAt: undefined,
    startedAt: undefined,
    lastUpdatedAt: undefined,
    approximateSecondsBeforeTimedOut: undefined,
  };
}

/** Fills the fields a listing or notification carries. */
export function applySummary(record: ExecutionRecord, summary: JobExecutionSummary, status: JobExecutionStatus): void {
  record.status = status;
  record.version = summary.versionNumber;
  record.executionNumber = summary.executionNumber;
  record.queuedAt = toDate(summary.queuedAt);
  record.startedAt = toDate(summary.startedAt);
  record.lastUpdatedAt = toDate(summary.lastUpdatedAt);
}

/** Fills every field an execution carries. */
export function applyExecution(record: ExecutionRecord, execution: JobExecution): void {
  record.status = execution.status;
  record.version = execution.versionNumber;
  record.executionNumber = execution.executionNumber;
  record.statusDetails = execution.statusDetails;
  if (execution.jobDocument !== undefined) record.document = execution.jobDocument;
  record.queuedAt = toDate(execution.queuedAt);
  record.startedAt = toDate(execution.startedAt);
  record.lastUpdatedAt = toDate(execution.lastUpdatedAt);
  record.approximateSecondsBeforeTimedOut = execution.approximateSecondsBeforeTimedOut;
}

/** Fills what an update reply or a rejection carries. */
export function applyState(record: ExecutionRecord, state: JobExecutionState): void {
  record.status = state.status;
  record.version = state.versionNumber;
  record.statusDetails = state.statusDetails;
}

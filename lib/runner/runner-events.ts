/**
 * What a {@link JobRunner} tells: typed events, and an optional logger that
 * receives the same facts as lines.
 * @packageDocumentation
 */

import type { JobsError } from '../errors.js';
import type { StatusDetails } from '../protocol/shapes.js';
import type { ExecutionEndedError } from './runner-errors.js';
import type { FinalStatus } from './status-store.js';

/** Events of a {@link JobRunner}. */
export type JobRunnerEvents = {
  /** A handler started (or resumed) on an execution. */
  started: {
    /** The job. */
    jobId: string;
    /** True when the execution was already IN_PROGRESS (see `JobContext.resumed`). */
    resumed: boolean;
  };
  /** An IN_PROGRESS update with the handler's progress was accepted. */
  progress: {
    /** The job. */
    jobId: string;
    /** The details the service now holds. */
    statusDetails: StatusDetails;
  };
  /** The service accepted the final status (or already had it). */
  finished: {
    /** The job. */
    jobId: string;
    /** The final status. */
    status: FinalStatus;
    /** The details sent with it. */
    statusDetails: StatusDetails | undefined;
    /** True when it came from the store (sent by an earlier runner, or before a reconnect). */
    fromStore: boolean;
  };
  /**
   * The service ended an execution the device was running (the handler's
   * signal aborted), or refused a stored final status for good (the entry is
   * dropped).
   */
  canceled: {
    /** The job. */
    jobId: string;
    /** What the service shows. */
    reason: ExecutionEndedError;
    /** The final status that was dropped, when it was one. */
    dropped?: FinalStatus;
  };
  /** Something failed; the runner carries on (retrying where it makes sense). */
  error: {
    /** The job concerned, if any. */
    jobId?: string;
    /** What failed. */
    error: JobsError;
  };
};

/** A logger: `console` fits. */
export interface RunnerLogger {
  /** Ordinary facts: started, finished. */
  info(message: string): void;
  /** Something the runner will retry or work around. */
  warn(message: string): void;
  /** Something it gave up on. */
  error(message: string): void;
}

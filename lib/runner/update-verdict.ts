/**
 * What a failed update (or describe) says about the execution: ended at the
 * service, worth another try, or refused for good.
 * @packageDocumentation
 */

import { JobsRejectedError, type JobsError } from '../errors.js';
import { TERMINAL_STATUSES, type JobExecutionStatus } from '../protocol/shapes.js';
import type { EndedStatus } from './runner-errors.js';

/** The reading of one failure. */
export type Verdict =
  | {
      /** The service shows the execution terminal, or gone. */
      kind: 'ended';
      /** What it shows. */
      status: EndedStatus;
    }
  | {
      /** VersionMismatch: the Job adopted the service's version; send again now. */
      kind: 'retry-now';
    }
  | {
      /** Throttled, internal error, lost reply, timeout, closed connection: try later. */
      kind: 'retry';
    }
  | {
      /** The service refused the request itself (e.g. InvalidRequest): it will never be accepted. */
      kind: 'refused';
    };

/** True for a status the execution cannot leave. */
export function isTerminal(status: JobExecutionStatus | undefined): status is Exclude<JobExecutionStatus, 'QUEUED' | 'IN_PROGRESS'> {
  return status !== undefined && TERMINAL_STATUSES.includes(status);
}

/** Reads a failure of a Job call; `status` is the Job's status after the failure (it adopts the state a rejection carries). */
export function verdictOf(error: JobsError | undefined, status: JobExecutionStatus | undefined): Verdict {
  if (!(error instanceof JobsRejectedError)) return { kind: 'retry' };
  const shown = error.executionState?.status ?? status;
  switch (error.code) {
    case 'ResourceNotFound':
      return { kind: 'ended', status: 'DELETED' };
    case 'InvalidStateTransition':
    case 'TerminalStateReached':
      return isTerminal(shown) ? { kind: 'ended', status: shown } : { kind: 'retry' };
    case 'VersionMismatch':
      return isTerminal(shown) ? { kind: 'ended', status: shown } : { kind: 'retry-now' };
    case 'RequestThrottled':
    case 'InternalError':
      return { kind: 'retry' };
    default:
      return { kind: 'refused' };
  }
}

/**
 * The simulator's state and the queries the planes share: the pending
 * executions of a thing in "next" order, lookups, ARNs.
 * @packageDocumentation
 */

import type { ExecutionRecord, JobRecord, ThingRecord } from './model.js';
import { isPending } from './model.js';

/** Every thing and job of one simulated account. */
export class SimulatorStore {
  /** Things by name. */
  readonly things = new Map<string, ThingRecord>();
  /** Jobs by id, in creation order. */
  readonly jobs = new Map<string, JobRecord>();
  private sequence = 0;

  /** @param region - the simulated region. @param accountId - the simulated account. */
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** The next creation sequence number. */
  nextSeq(): number {
    return ++this.sequence;
  }

  /** `arn:aws:iot:<region>:<account>:thing/<name>`. */
  thingArn(thingName: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:thing/${thingName}`;
  }

  /** `arn:aws:iot:<region>:<account>:job/<jobId>`. */
  jobArn(jobId: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:job/${jobId}`;
  }

  /**
   * The executions a device sees for a thing: every execution of a job that is
   * not being deleted.
   */
  deviceExecutions(thingName: string): ExecutionRecord[] {
    const out: ExecutionRecord[] = [];
    for (const job of this.jobs.values()) {
      if (job.status === 'DELETION_IN_PROGRESS') continue;
      const execution = job.executions.get(thingName);
      if (execution) out.push(execution);
    }
    return out;
  }

  /**
   * The thing's pending executions in "next" order (docs/protocol.md §7.7): IN_PROGRESS
   * first, then QUEUED; within each, oldest queued first, then creation order.
   */
  pending(thingName: string): ExecutionRecord[] {
    return this.deviceExecutions(thingName)
      .filter((execution) => isPending(execution.status))
      .sort(compareNext);
  }

  /** The execution `$next` names, if any. */
  next(thingName: string): ExecutionRecord | undefined {
    return this.pending(thingName)[0];
  }

  /** The execution of `jobId` on `thingName` that a device may address, if any. */
  deviceExecution(thingName: string, jobId: string): ExecutionRecord | undefined {
    const job = this.jobs.get(jobId);
    if (!job || job.status === 'DELETION_IN_PROGRESS') return undefined;
    return job.executions.get(thingName);
  }
}

/** The "next" order of two pending executions. */
export function compareNext(a: ExecutionRecord, b: ExecutionRecord): number {
  const rank = (execution: ExecutionRecord): number => (execution.status === 'IN_PROGRESS' ? 0 : 1);
  return rank(a) - rank(b) || a.queuedAtMs - b.queuedAtMs || a.seq - b.seq;
}

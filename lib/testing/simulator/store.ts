/**
 * The simulator's state and the queries the planes share: the pending
 * executions of a thing in "next" order, lookups, ARNs.
 *
 * Every query a device request or a notification decision makes costs
 * O(that thing's executions), whatever the size of the account: executions
 * are indexed by thing, and each thing keeps its pending executions apart.
 * Writers go through {@link SimulatorStore.addJob},
 * {@link SimulatorStore.addExecution}, {@link SimulatorStore.removeJob} and,
 * when an execution's status leaves or re-enters the pending statuses,
 * {@link SimulatorStore.settled} / {@link SimulatorStore.requeued}.
 * @packageDocumentation
 */

import type { ExecutionRecord, JobRecord, ThingRecord } from './model.js';
import { isPending } from './model.js';

/** One thing's executions. */
interface ThingIndex {
  /** Every execution on the thing, by job id, in creation order. */
  readonly all: Map<string, ExecutionRecord>;
  /** The ones in a pending status (QUEUED, IN_PROGRESS), in no order. */
  readonly pending: Set<ExecutionRecord>;
}

const NO_EXECUTIONS: ReadonlyMap<string, ExecutionRecord> = new Map();

/** Every thing and job of one simulated account. */
export class SimulatorStore {
  /** Things by name. */
  readonly things = new Map<string, ThingRecord>();
  private readonly jobsById = new Map<string, JobRecord>();
  private readonly byThing = new Map<string, ThingIndex>();
  /** How many executions of each job are pending. */
  private readonly pendingCounts = new WeakMap<JobRecord, number>();
  private sequence = 0;

  /** @param region - the simulated region. @param accountId - the simulated account. */
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** Jobs by id, in creation order (read only: write with {@link SimulatorStore.addJob} and {@link SimulatorStore.removeJob}). */
  get jobs(): ReadonlyMap<string, JobRecord> {
    return this.jobsById;
  }

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

  /** Adds a job (with no executions yet: add them with {@link SimulatorStore.addExecution}). */
  addJob(job: JobRecord): void {
    this.jobsById.set(job.jobId, job);
  }

  /**
   * Adds an execution to its job and to its thing's index; it replaces the
   * job's previous execution on that thing, if any. O(1).
   */
  addExecution(execution: ExecutionRecord): void {
    const { job, thingName } = execution;
    const previous = job.executions.get(thingName);
    if (previous) this.unindex(previous);
    (job.executions as Map<string, ExecutionRecord>).set(thingName, execution);
    let index = this.byThing.get(thingName);
    if (!index) {
      index = { all: new Map(), pending: new Set() };
      this.byThing.set(thingName, index);
    }
    index.all.delete(job.jobId);
    index.all.set(job.jobId, execution);
    if (isPending(execution.status)) this.requeued(execution);
  }

  /** Removes a job and its executions from every index. O(its executions). */
  removeJob(job: JobRecord): void {
    if (this.jobsById.get(job.jobId) !== job) return;
    this.jobsById.delete(job.jobId);
    for (const execution of job.executions.values()) this.unindex(execution);
    this.pendingCounts.delete(job);
  }

  /** Records that `execution` left the pending statuses (call after changing its status). Idempotent. */
  settled(execution: ExecutionRecord): void {
    const index = this.byThing.get(execution.thingName);
    if (index?.pending.delete(execution)) this.pendingCounts.set(execution.job, this.pendingCount(execution.job) - 1);
  }

  /** Records that `execution` is in a pending status again (call after changing its status). Idempotent. */
  requeued(execution: ExecutionRecord): void {
    const index = this.byThing.get(execution.thingName);
    if (!index || index.all.get(execution.job.jobId) !== execution || index.pending.has(execution)) return;
    index.pending.add(execution);
    this.pendingCounts.set(execution.job, this.pendingCount(execution.job) + 1);
  }

  /** How many of the job's executions are pending. O(1). */
  pendingCount(job: JobRecord): number {
    return this.pendingCounts.get(job) ?? 0;
  }

  /** Every execution on the thing, in creation order, including those of jobs being deleted. */
  executionsOf(thingName: string): ReadonlyMap<string, ExecutionRecord> {
    return this.byThing.get(thingName)?.all ?? NO_EXECUTIONS;
  }

  /**
   * The executions a device sees for a thing: every execution of a job that is
   * not being deleted, in creation order.
   */
  deviceExecutions(thingName: string): ExecutionRecord[] {
    const out: ExecutionRecord[] = [];
    for (const execution of this.executionsOf(thingName).values()) if (execution.job.status !== 'DELETION_IN_PROGRESS') out.push(execution);
    return out;
  }

  /**
   * The thing's pending executions in "next" order (docs/protocol.md §7.7): IN_PROGRESS
   * first, then QUEUED; within each, oldest queued first, then creation order.
   * O(p log p) for the thing's p pending executions.
   */
  pending(thingName: string): ExecutionRecord[] {
    const out = this.livePending(thingName);
    return out.length > 1 ? out.sort(compareNext) : out;
  }

  /** The execution `$next` names, if any. O(p). */
  next(thingName: string): ExecutionRecord | undefined {
    let head: ExecutionRecord | undefined;
    for (const execution of this.livePending(thingName)) if (!head || compareNext(execution, head) < 0) head = execution;
    return head;
  }

  /** The execution of `jobId` on `thingName` that a device may address, if any. */
  deviceExecution(thingName: string, jobId: string): ExecutionRecord | undefined {
    const job = this.jobsById.get(jobId);
    if (!job || job.status === 'DELETION_IN_PROGRESS') return undefined;
    return job.executions.get(thingName);
  }

  /** The thing's pending executions a device sees, unordered; drops any whose status was changed without {@link SimulatorStore.settled}. */
  private livePending(thingName: string): ExecutionRecord[] {
    const index = this.byThing.get(thingName);
    const out: ExecutionRecord[] = [];
    if (!index) return out;
    for (const execution of index.pending) {
      if (!isPending(execution.status)) this.settled(execution);
      else if (execution.job.status !== 'DELETION_IN_PROGRESS') out.push(execution);
    }
    return out;
  }

  private unindex(execution: ExecutionRecord): void {
    this.settled(execution);
    const index = this.byThing.get(execution.thingName);
    if (!index || index.all.get(execution.job.jobId) !== execution) return;
    index.all.delete(execution.job.jobId);
    if (index.all.size === 0) this.byThing.delete(execution.thingName);
  }
}

/** The "next" order of two pending executions. */
export function compareNext(a: ExecutionRecord, b: ExecutionRecord): number {
  const rank = (execution: ExecutionRecord): number => (execution.status === 'IN_PROGRESS' ? 0 : 1);
  return rank(a) - rank(b) || a.queuedAtMs - b.queuedAtMs || a.seq - b.seq;
}

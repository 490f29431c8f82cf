/**
 * One execution in the hands of its handler: the context it gets, progress
 * coalescing, the step-timer heartbeat, watching for the service ending it,
 * and the hand-over of its final status to the outbox.
 * @packageDocumentation
 */

import { assertStatusDetails } from '../client/arguments.js';
import { JobsError } from '../errors.js';
import { Job } from '../job.js';
import type { JsonObject } from '../protocol/json.js';
import type { StatusDetails } from '../protocol/shapes.js';
import { detailsProblem, errorDetails, reasonDetails } from './details.js';
import type { JobContext, Plan } from './handlers.js';
import { callOptions, type RunnerCore } from './runner-core.js';
import { ExecutionEndedError, JobRejection, RunnerStoppedError, type EndedStatus } from './runner-errors.js';
import type { FinalStatus } from './status-store.js';
import { isTerminal, verdictOf } from './update-verdict.js';

type Outcome = { status: FinalStatus; statusDetails: StatusDetails | undefined };

/** One execution run by the runner. */
export class ExecutionRun {
  /** The job. */
  readonly jobId: string;
  private readonly controller = new AbortController();
  /** `running` until the handler settles; `finishing` while its status is handed over; `over` after. */
  private state: 'running' | 'finishing' | 'over' = 'running';
  private pendingProgress: StatusDetails | undefined;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  /** The IN_PROGRESS update in flight (progress or heartbeat), one at a time. */
  private inFlight: Promise<boolean> | undefined;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private lastLifeAt = Date.now();
  private checking = false;
  private recheck = false;

  /**
   * @param core - the runner.
   * @param job - the execution, IN_PROGRESS at the service.
   * @param document - its job document.
   * @param resumed - it was already IN_PROGRESS when the runner took it.
   * @param plan - the handlers to run.
   */
  constructor(
    private readonly core: RunnerCore,
    private readonly job: Job,
    private readonly document: JsonObject,
    private readonly resumed: boolean,
    private readonly plan: Plan,
  ) {
    this.jobId = job.jobId;
  }

  /** True while the handler runs. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** Runs the handler and hands its status over; resolves when the slot is free again (also when the execution ended or the runner stopped). */
  async run(): Promise<void> {
    this.core.emit('started', { jobId: this.jobId, resumed: this.resumed });
    // A resumed execution may carry a step timer set before the restart: renew it at once.
    this.scheduleHeartbeat(this.resumed ? 0 : this.core.settings.heartbeatMs);
    const aborted = new Promise<undefined>((resolve) => this.controller.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    const outcome = await Promise.race([this.runPlan(), aborted]);
    if (outcome === undefined || this.controller.signal.aborted) return this.close();
    this.state = 'finishing';
    this.clearTimers();
    await this.flushProgress();
    // Ended at the service: nothing more is reported. Stopped meanwhile: the status is still stored, for the next runner.
    if (this.controller.signal.reason instanceof ExecutionEndedError) return this.close();
    this.state = 'over';
    await this.core.finish(
      {
        thingName: this.job.thingName,
        jobId: this.jobId,
        ...(this.job.executionNumber !== undefined && { executionNumber: this.job.executionNumber }),
        status: outcome.status,
        ...(outcome.statusDetails !== undefined && { statusDetails: outcome.statusDetails }),
        finishedAt: Date.now(),
      },
      this.job,
    );
  }

  /** The service may have ended the execution (a notification, a reconnect): look. */
  check(): void {
    if (this.state !== 'running') return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    void this.checkLoop().finally(() => (this.checking = false));
  }

  /** The runner stops: abort the handler; the execution stays IN_PROGRESS for the next runner. */
  stop(): void {
    if (this.state === 'over') return;
    this.abort(new RunnerStoppedError(this.jobId));
  }

  private async checkLoop(): Promise<void> {
    do {
      this.recheck = false;
      const ok = await this.job.describe(callOptions(this.core.settings, this.controller.signal));
      if (this.state !== 'running') return;
      if (ok) {
        if (isTerminal(this.job.status)) this.ended(this.job.status);
      } else {
        const verdict = verdictOf(this.job.error, this.job.status);
        if (verdict.kind === 'ended') this.ended(verdict.status);
      }
    } while (this.recheck && this.state === 'running');
  }

  private async runPlan(): Promise<Outcome> {
    const { settings } = this.core;
    if ('missing' in this.plan) return { status: 'REJECTED', statusDetails: settings.unhandled(this.job, this.plan.missing) };
    let details: StatusDetails | undefined;
    try {
      for (const planned of this.plan.steps) {
        if (this.controller.signal.aborted) break;
        const returned = await planned.handler(this.contextFor(planned.step));
        if (returned !== undefined && returned !== null) {
          const problem = detailsProblem(returned);
          if (problem !== undefined) return { status: 'FAILED', statusDetails: reasonDetails(`handler ${planned.name} returned invalid statusDetails: ${problem}`) };
          details = { ...details, ...returned };
        }
      }
      return { status: 'SUCCEEDED', statusDetails: details };
    } catch (error) {
      if (error instanceof JobRejection) return { status: 'REJECTED', statusDetails: error.statusDetails };
      return { status: 'FAILED', statusDetails: errorDetails(error) };
    }
  }

  private contextFor(step: JobContext['step']): JobContext {
    return {
      job: this.job,
      document: this.document,
      signal: this.controller.signal,
      resumed: this.resumed,
      step,
      progress: (statusDetails) => this.progress(statusDetails),
      alive: () => {
        this.lastLifeAt = Date.now();
      },
      reject: (reason) => {
        if (typeof reason !== 'string') assertStatusDetails(reason);
        throw new JobRejection(typeof reason === 'string' ? reasonDetails(reason) : reason);
      },
    };
  }

  // ------------------------------------------------------------ progress

  private progress(statusDetails: StatusDetails): void {
    assertStatusDetails(statusDetails);
    this.lastLifeAt = Date.now();
    if (this.state !== 'running' || this.controller.signal.aborted) return;
    this.pendingProgress = { ...statusDetails };
    this.scheduleProgress();
  }

  private scheduleProgress(): void {
    if (this.inFlight !== undefined || this.progressTimer !== undefined || this.pendingProgress === undefined || this.state !== 'running') return;
    const waitMs = this.lastProgressAt + this.core.settings.progressIntervalMs - Date.now();
    if (waitMs <= 0) {
      void this.sendProgress();
      return;
    }
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      void this.sendProgress();
    }, waitMs);
  }

  private async sendProgress(): Promise<void> {
    const details = this.pendingProgress;
    if (details === undefined || this.inFlight !== undefined) return;
    this.pendingProgress = undefined;
    this.lastProgressAt = Date.now();
    const ok = await this.send(details);
    if (ok) {
      this.core.emit('progress', { jobId: this.jobId, statusDetails: details });
      if (this.state === 'running') this.scheduleHeartbeat(this.core.settings.heartbeatMs);
    } else if (this.pendingProgress === undefined && !this.controller.signal.aborted) {
      this.pendingProgress = details; // not delivered: the last progress is always sent
    }
    this.scheduleProgress();
  }

  /** The handler finished: its last progress goes out now (one try), before the final status. */
  private async flushProgress(): Promise<void> {
    await this.inFlight;
    const details = this.pendingProgress;
    if (details === undefined) return;
    this.pendingProgress = undefined;
    if (await this.send(details)) this.core.emit('progress', { jobId: this.jobId, statusDetails: details });
  }

  // ------------------------------------------------------------ heartbeat

  private scheduleHeartbeat(delayMs: number): void {
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (this.core.settings.stepTimeoutInMinutes === undefined || this.state !== 'running') return;
    if (delayMs <= 0) {
      void this.beat();
      return;
    }
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined;
      void this.beat();
    }, delayMs);
  }

  private async beat(): Promise<void> {
    const { livenessMs, heartbeatMs } = this.core.settings;
    if (this.state !== 'running') return;
    if (livenessMs !== undefined && Date.now() - this.lastLifeAt > livenessMs) {
      // No sign of life: let the step timer run out, so the service times the execution out.
      this.core.emit('error', { jobId: this.jobId, error: new JobsError(`job ${this.jobId}: no sign of life for ${livenessMs} ms; the step timer is not renewed`) });
      return;
    }
    if (this.inFlight === undefined) {
      await this.send(undefined);
      this.scheduleProgress();
    }
    this.scheduleHeartbeat(heartbeatMs);
  }

  /** One IN_PROGRESS update at a time. */
  private async send(statusDetails: StatusDetails | undefined): Promise<boolean> {
    const sending = this.update(statusDetails);
    this.inFlight = sending;
    try {
      return await sending;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** IN_PROGRESS with the step timer renewed; reads a failure for the end of the execution. */
  private async update(statusDetails: StatusDetails | undefined): Promise<boolean> {
    const { settings } = this.core;
    const ok = await this.job.update(Job.IN_PROGRESS, statusDetails, {
      ...callOptions(settings, this.controller.signal),
      retries: 0,
      ...(settings.stepTimeoutInMinutes !== undefined && { stepTimeoutInMinutes: settings.stepTimeoutInMinutes }),
    });
    if (ok || this.controller.signal.aborted) return ok;
    const verdict = verdictOf(this.job.error, this.job.status);
    if (verdict.kind === 'ended') this.ended(verdict.status);
    else if (this.job.error !== undefined) this.core.emit('error', { jobId: this.jobId, error: this.job.error });
    return false;
  }

  // ------------------------------------------------------------ ending

  private ended(status: EndedStatus): void {
    if (this.state === 'over' || this.controller.signal.aborted) return;
    const reason = new ExecutionEndedError(this.jobId, status);
    this.abort(reason);
    this.core.emit('canceled', { jobId: this.jobId, reason });
  }

  private abort(reason: JobsError): void {
    this.clearTimers();
    this.pendingProgress = undefined;
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private close(): void {
    this.state = 'over';
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.progressTimer !== undefined) clearTimeout(this.progressTimer);
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.progressTimer = undefined;
    this.heartbeatTimer = undefined;
  }
}

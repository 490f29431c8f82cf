/**
 * Rollout rates (docs/protocol.md §8, docs/protocol.md §9): `jobExecutionsRolloutConfig` releases a
 * job's executions over simulated time — at most `maximumPerMinute` targets
 * per minute, or an `exponentialRate` that starts at `baseRatePerMinute` and
 * grows by `incrementFactor` each time `rateIncreaseCriteria` is met (capped
 * by `maximumPerMinute` when both are given). Without it every target is
 * released at once. While targets wait, DescribeJob shows
 * `jobProcessDetails.processingTargets` and `isConcurrent: true`.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import { ROLLOUT_MAX_RATE, type RolloutConfig } from './job-config.js';
import type { JobRecord } from './model.js';
import { queueExecution, releaseTargets } from './queue-execution.js';

const MINUTE_MS = 60_000;
/** The highest rate AWS accepts. */
const MAX_RATE = ROLLOUT_MAX_RATE;

interface RolloutState {
  rate: number;
  notifiedSinceIncrease: number;
  succeededAtIncrease: number;
}

const states = new WeakMap<JobRecord, RolloutState>();

/** Starts releasing a job's targets: at once without a rollout config, else one batch now and one per simulated minute. */
export function beginRollout(core: SimulatorCore, job: JobRecord, nowMs: number): void {
  const config = job.config.jobExecutionsRolloutConfig;
  if (!config || (config.maximumPerMinute === undefined && config.exponentialRate === undefined)) {
    releaseTargets(core, job, nowMs);
    return;
  }
  states.set(job, { rate: initialRate(config), notifiedSinceIncrease: 0, succeededAtIncrease: 0 });
  tick(core, job);
}

function initialRate(config: RolloutConfig): number {
  const base = config.exponentialRate?.baseRatePerMinute ?? config.maximumPerMinute ?? MAX_RATE;
  return Math.min(base, config.maximumPerMinute ?? MAX_RATE);
}

function tick(core: SimulatorCore, job: JobRecord): void {
  const state = states.get(job);
  if (!state || core.store.jobs.get(job.jobId) !== job || job.status !== 'IN_PROGRESS' || job.unreleasedTargets.length === 0) {
    states.delete(job);
    return;
  }
  const config = job.config.jobExecutionsRolloutConfig ?? {};
  // UpdateJob may have changed the config since the last batch.
  const cap = Math.min(config.maximumPerMinute ?? MAX_RATE, MAX_RATE);
  state.rate = config.exponentialRate ? Math.min(state.rate, cap) : cap;
  const nowMs = core.clock.now();
  let released = 0;
  while (released < state.rate && job.unreleasedTargets.length > 0) {
    const thingName = job.unreleasedTargets.shift() as string;
    if (!core.store.things.has(thingName)) continue;
    core.notifier.added(queueExecution(core, job, thingName, nowMs));
    released += 1;
  }
  state.notifiedSinceIncrease += released;
  grow(job, state, config);
  if (job.unreleasedTargets.length === 0) {
    states.delete(job);
    core.maybeComplete(job, nowMs);
    return;
  }
  core.later(() => tick(core, job), MINUTE_MS);
}

function grow(job: JobRecord, state: RolloutState, config: RolloutConfig): void {
  const exponential = config.exponentialRate;
  if (!exponential) return;
  const { numberOfNotifiedThings, numberOfSucceededThings } = exponential.rateIncreaseCriteria;
  let succeeded = 0;
  for (const execution of job.executions.values()) if (execution.status === 'SUCCEEDED') succeeded += 1;
  const met =
    (numberOfNotifiedThings !== undefined && state.notifiedSinceIncrease >= numberOfNotifiedThings) ||
    (numberOfSucceededThings !== undefined && succeeded - state.succeededAtIncrease >= numberOfSucceededThings);
  if (!met) return;
  const cap = Math.min(config.maximumPerMinute ?? MAX_RATE, MAX_RATE);
  state.rate = Math.min(cap, Math.max(state.rate + 1, Math.floor(state.rate * exponential.incrementFactor)));
  state.notifiedSinceIncrease = 0;
  state.succeededAtIncrease = succeeded;
}

/**
 * Scheduled jobs (docs/protocol.md §8, docs/protocol.md §9): `schedulingConfig.startTime` keeps
 * the job SCHEDULED, invisible to devices, until the start; `endTime` applies
 * `endBehavior` (STOP_ROLLOUT, CANCEL, FORCE_CANCEL). Both run on the
 * simulator's clock, so jest fake timers drive them. Maintenance windows are
 * refused.
 * @packageDocumentation
 */

import type { SimulatorCore } from './core.js';
import { cancelJobRecord } from './job-cancel.js';
import type { JobEndBehavior, SchedulingConfig } from './job-config.js';
import type { JobRecord } from './model.js';
import { beginRollout } from './rollout.js';
import { invalidRequest } from './simulator-error.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** "at least thirty minutes from the current time" and between start and end. */
const MIN_LEAD_MS = 30 * MINUTE_MS;
/** "up to a year in advance". */
const MAX_START_AHEAD_MS = 365 * DAY_MS;
/** "no later than two years from the current time"; also the longest start-to-end span. */
const MAX_END_AHEAD_MS = 2 * 365 * DAY_MS;
/** The longest delay one clock timer takes (setTimeout's 32-bit limit). */
const MAX_TIMER_MS = 2_147_483_647;

const TIME_FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** A schedule read from `schedulingConfig`: what DescribeJob echoes and the times in epoch ms. */
export interface Schedule {
  /** The config as given (echoed by DescribeJob). */
  config: SchedulingConfig;
  /** When the rollout starts; undefined: at once. */
  startMs: number | undefined;
  /** When `endBehavior` applies; undefined: never. */
  endMs: number | undefined;
  /** What happens at the end. @defaultValue 'STOP_ROLLOUT' */
  endBehavior: JobEndBehavior;
}

/** `YYYY-MM-DDTHH:MM` (UTC, the form AWS documents) to epoch ms. */
export function parseScheduleTime(value: unknown, field: string): number {
  const match = typeof value === 'string' ? TIME_FORMAT.exec(value) : null;
  if (!match) throw invalidRequest(`${field} must be a date and time in the form YYYY-MM-DDTHH:MM (UTC), not ${JSON.stringify(value)}.`);
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(ms);
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59) {
    throw invalidRequest(`${field} is not a valid date and time: ${JSON.stringify(value)}.`);
  }
  return ms;
}

/**
 * Reads and checks `schedulingConfig` against `nowMs` by AWS's rules: start 30
 * minutes to one year ahead; end 30 minutes to two years ahead and 30 minutes
 * to two years after the start.
 * @throws {@link SimulatorError} InvalidRequestException naming the member.
 */
export function readSchedulingConfig(value: unknown, nowMs: number): Schedule | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('schedulingConfig must be an object.');
  const fields = value as Record<string, unknown>;
  const windows = fields.maintenanceWindows;
  if (windows !== undefined && windows !== null && !(Array.isArray(windows) && windows.length === 0)) {
    throw invalidRequest('schedulingConfig.maintenanceWindows is not supported: maintenance windows are not modeled by the simulator; omit them.');
  }
  const config: SchedulingConfig = {};
  let startMs: number | undefined;
  let endMs: number | undefined;
  if (fields.startTime !== undefined && fields.startTime !== null) {
    startMs = parseScheduleTime(fields.startTime, 'schedulingConfig.startTime');
    if (startMs < nowMs + MIN_LEAD_MS) throw invalidRequest('schedulingConfig.startTime must be at least 30 minutes from the current time.');
    if (startMs > nowMs + MAX_START_AHEAD_MS) throw invalidRequest('schedulingConfig.startTime must be at most one year from the current time.');
    config.startTime = fields.startTime as string;
  }
  if (fields.endTime !== undefined && fields.endTime !== null) {
    endMs = parseScheduleTime(fields.endTime, 'schedulingConfig.endTime');
    if (endMs < nowMs + MIN_LEAD_MS) throw invalidRequest('schedulingConfig.endTime must be at least 30 minutes from the current time.');
    if (endMs > nowMs + MAX_END_AHEAD_MS) throw invalidRequest('schedulingConfig.endTime must be at most two years from the current time.');
    const from = startMs ?? nowMs;
    if (endMs - from < MIN_LEAD_MS) throw invalidRequest('schedulingConfig.endTime must be at least 30 minutes after startTime.');
    if (endMs - from > MAX_END_AHEAD_MS) throw invalidRequest('schedulingConfig.endTime must be at most two years after startTime.');
    config.endTime = fields.endTime as string;
  }
  let endBehavior: JobEndBehavior = 'STOP_ROLLOUT';
  if (fields.endBehavior !== undefined && fields.endBehavior !== null) {
    const allowed = ['STOP_ROLLOUT', 'CANCEL', 'FORCE_CANCEL'] as const;
    if (typeof fields.endBehavior !== 'string' || !(allowed as readonly string[]).includes(fields.endBehavior)) {
      throw invalidRequest(`schedulingConfig.endBehavior must be one of ${allowed.join(', ')}.`);
    }
    endBehavior = fields.endBehavior as JobEndBehavior;
    config.endBehavior = endBehavior;
  }
  return { config, startMs, endMs, endBehavior };
}

/**
 * Arms the schedule's timers for a job just stored: the start releases the
 * targets (SCHEDULED → IN_PROGRESS), the end applies the end behavior. Each
 * timer checks that the job is still the one it was armed for.
 */
export function armSchedule(core: SimulatorCore, job: JobRecord, schedule: Schedule): void {
  const current = (): boolean => core.store.jobs.get(job.jobId) === job;
  if (schedule.startMs !== undefined) {
    at(core, schedule.startMs, () => {
      if (!current() || job.status !== 'SCHEDULED') return;
      const nowMs = core.clock.now();
      job.status = 'IN_PROGRESS';
      job.lastUpdatedAtMs = nowMs;
      beginRollout(core, job, nowMs);
    });
  }
  if (schedule.endMs !== undefined) {
    at(core, schedule.endMs, () => {
      if (!current() || (job.status !== 'IN_PROGRESS' && job.status !== 'SCHEDULED')) return;
      const nowMs = core.clock.now();
      if (schedule.endBehavior === 'STOP_ROLLOUT') {
        job.unreleasedTargets.length = 0;
        return;
      }
      cancelJobRecord(core, job, { force: schedule.endBehavior === 'FORCE_CANCEL' }, nowMs);
    });
  }
}

/** Runs `fn` at `whenMs` on the simulator clock, in steps that setTimeout can take. */
function at(core: SimulatorCore, whenMs: number, fn: () => void): void {
  const wait = whenMs - core.clock.now();
  if (wait > MAX_TIMER_MS) core.later(() => at(core, whenMs, fn), MAX_TIMER_MS);
  else core.later(fn, Math.max(0, wait));
}

/**
 * Job targets (docs/protocol.md §9, docs/protocol.md §11): thing ARNs (or, as a convenience of
 * the simulator, bare thing names) and static thing-group ARNs of this
 * account and region. A group stands for its members and those of its child
 * groups.
 * @packageDocumentation
 */

import { isValidThingName } from '../../protocol/rules.js';
import type { SimulatorCore } from './core.js';
import type { JobRecord } from './model.js';
import { invalidRequest, notFound } from './simulator-error.js';

/** Targets as a job keeps them. */
export interface ResolvedTargets {
  /** The target ARNs, distinct, in the order given (thing names become thing ARNs). */
  arns: string[];
  /** The things the targets stand for now: things named, then group members; distinct. */
  thingNames: string[];
}

/** `arn:aws:iot:<region>:<account>:thinggroup/<name>`. */
export function thingGroupArn(core: SimulatorCore, name: string): string {
  return `arn:aws:iot:${core.store.region}:${core.store.accountId}:thinggroup/${name}`;
}

/**
 * Reads `targets` (1 to `max` entries).
 * @throws {@link SimulatorError} InvalidRequestException for a malformed target, ResourceNotFoundException for an unknown group or another account's ARN.
 */
export function readTargets(core: SimulatorCore, targets: unknown, max = Number.MAX_SAFE_INTEGER): ResolvedTargets {
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > max) {
    throw invalidRequest(`targets must list 1 to ${max === Number.MAX_SAFE_INTEGER ? 'any number of' : max} thing or thing-group ARNs.`);
  }
  const arns = new Set<string>();
  const things = new Set<string>();
  const groupMembers = new Set<string>();
  const prefix = `arn:aws:iot:${core.store.region}:${core.store.accountId}:`;
  for (const target of targets as unknown[]) {
    if (typeof target !== 'string' || target.length > 2048) throw invalidRequest('Each target must be a thing name or an ARN of at most 2048 characters.');
    if (isValidThingName(target) && !target.startsWith('arn:')) {
      things.add(target);
      arns.add(core.store.thingArn(target));
      continue;
    }
    if (target.startsWith(`${prefix}thing/`) && isValidThingName(target.slice(prefix.length + 6))) {
      things.add(target.slice(prefix.length + 6));
      arns.add(target);
      continue;
    }
    if (target.startsWith(`${prefix}thinggroup/`)) {
      const group = core.groups.get(target.slice(prefix.length + 11));
      if (!group) throw notFound(`Thing group ${target} cannot be found.`);
      for (const thingName of core.groups.members(group)) groupMembers.add(thingName);
      arns.add(target);
      continue;
    }
    if (/^arn:aws[a-z-]*:iot:[^:]*:[^:]*:(thing|thinggroup)\//.test(target)) throw notFound(`Target ${target} cannot be found in this account and region.`);
    throw invalidRequest(`Invalid target ${JSON.stringify(target.slice(0, 80))}: a thing ARN or a thing-group ARN is expected.`);
  }
  for (const thingName of groupMembers) things.add(thingName);
  return { arns: [...arns], thingNames: [...things] };
}

/** Whether `thingName` is a target of `job` now: named by the job, or a member of a target group or of one of its child groups. */
export function isTargetOf(core: SimulatorCore, job: JobRecord, thingName: string): boolean {
  if (job.targets.includes(core.store.thingArn(thingName))) return true;
  for (const groupName of core.groups.groupsOf(thingName)) if (job.targets.includes(thingGroupArn(core, groupName))) return true;
  return false;
}

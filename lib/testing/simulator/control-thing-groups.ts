/**
 * Control plane: static thing groups (CreateThingGroup, DescribeThingGroup,
 * DeleteThingGroup, AddThingToThingGroup, RemoveThingFromThingGroup,
 * ListThingsInThingGroup; docs/protocol.md §11). Membership changes reach CONTINUOUS
 * jobs at once.
 * @packageDocumentation
 */

import { randomUUID } from 'node:crypto';
import type { SimulatorCore } from './core.js';
import { membershipChanged } from './continuous-jobs.js';
import { optionalFlag, optionalInteger, optionalText, readAttributePayload, requestFields, thingNameOf } from './control-validation.js';
import { page } from './paging.js';
import { invalidRequest, notFound, SimulatorError } from './simulator-error.js';
import { thingGroupArn } from './targets.js';
import { MAX_GROUP_DEPTH, MAX_GROUPS_PER_THING, type ThingGroupRecord } from './thing-groups.js';

/** CreateThingGroup request (dynamic groups are not modeled). */
export interface CreateThingGroupRequest {
  /** 1-128 characters of `[a-zA-Z0-9:_-]`. */
  thingGroupName: string;
  /** The parent group, which must exist; nesting is at most 7 levels deep. */
  parentGroupName?: string;
  /** Description and attributes. */
  thingGroupProperties?: {
    /** At most 2028 characters. */
    thingGroupDescription?: string;
    /** The group's attributes. */
    attributePayload?: {
      /** Names to values. */
      attributes?: Record<string, string>;
    };
  };
  /** Checked (at most 50), not kept. */
  tags?: Array<{
    /** 1-128 characters. */
    Key: string;
    /** At most 256 characters. */
    Value?: string;
  }>;
}

/** CreateThingGroup response. */
export interface CreateThingGroupResponse {
  /** The group's name. */
  thingGroupName: string;
  /** The group's ARN. */
  thingGroupArn: string;
  /** The group's generated id. */
  thingGroupId: string;
}

/** DescribeThingGroup response. */
export interface DescribeThingGroupResponse {
  /** The group's name. */
  thingGroupName: string;
  /** The group's generated id. */
  thingGroupId: string;
  /** The group's ARN. */
  thingGroupArn: string;
  /** 1 for a new group; +1 per membership change. */
  version: number;
  /** Description and attributes. */
  thingGroupProperties: {
    /** Present only if given. */
    thingGroupDescription?: string;
    /** The attributes; `{}` when none. */
    attributePayload: {
      /** Names to values. */
      attributes: Record<string, string>;
    };
  };
  /** Hierarchy and creation date. */
  thingGroupMetadata: {
    /** Present only for a child group. */
    parentGroupName?: string;
    /** The ancestors, root first; present only for a child group. */
    rootToParentThingGroups?: Array<{
      /** An ancestor's name. */
      groupName: string;
      /** An ancestor's ARN. */
      groupArn: string;
    }>;
    /** Epoch seconds, fractional. */
    creationDate: number;
  };
}

/** AddThingToThingGroup / RemoveThingFromThingGroup request: the group and the thing by name or ARN. */
export interface ThingGroupMembershipRequest {
  /** The group's name (or give its ARN). */
  thingGroupName?: string;
  /** The group's ARN (or give its name). */
  thingGroupArn?: string;
  /** The thing's name (or give its ARN). */
  thingName?: string;
  /** The thing's ARN (or give its name). */
  thingArn?: string;
  /** Only for dynamic groups, which the simulator does not model; a boolean is accepted. */
  overrideDynamicGroups?: boolean;
}

/** ListThingsInThingGroup request. */
export interface ListThingsInThingGroupRequest {
  /** The group. */
  thingGroupName: string;
  /** Also list the things of child groups. @defaultValue false */
  recursive?: boolean;
  /** Page size, 1-250. */
  maxResults?: number;
  /** The `nextToken` of the previous page. */
  nextToken?: string;
}

/** ListThingsInThingGroup response. */
export interface ListThingsInThingGroupResponse {
  /** Thing names. */
  things: string[];
  /** Present only when another page exists. */
  nextToken?: string;
}

function groupNameOf(value: unknown, field = 'thingGroupName'): string {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9:_-]{1,128}$/.test(value)) throw invalidRequest(`${field} must be 1-128 characters of [a-zA-Z0-9:_-].`);
  return value;
}

function findGroup(core: SimulatorCore, name: string): ThingGroupRecord {
  const group = core.groups.get(name);
  if (!group) throw notFound(`Thing group ${name} cannot be found.`);
  return group;
}

/** CreateThingGroup: idempotent for the same parent and properties. */
export function createThingGroup(core: SimulatorCore, request: CreateThingGroupRequest): CreateThingGroupResponse {
  const fields = requestFields(request);
  const thingGroupName = groupNameOf(fields.thingGroupName);
  const parentGroupName = fields.parentGroupName === undefined || fields.parentGroupName === null ? undefined : groupNameOf(fields.parentGroupName, 'parentGroupName');
  const properties = (fields.thingGroupProperties ?? {}) as Record<string, unknown>;
  if (typeof properties !== 'object' || Array.isArray(properties)) throw invalidRequest('thingGroupProperties must be an object.');
  const description = optionalText(properties.thingGroupDescription, 'thingGroupProperties.thingGroupDescription', 2028);
  const attributes = readAttributePayload(properties.attributePayload);
  if (fields.tags !== undefined && fields.tags !== null && (!Array.isArray(fields.tags) || fields.tags.length > 50)) throw invalidRequest('tags must be a list of at most 50 tags.');
  const existing = core.groups.get(thingGroupName);
  if (existing) {
    if (existing.parentGroupName === parentGroupName && existing.description === description && JSON.stringify(existing.attributes) === JSON.stringify(attributes)) {
      return response(existing);
    }
    throw new SimulatorError('ResourceAlreadyExistsException', `Thing group ${thingGroupName} already exists with a different configuration.`, {
      resourceId: existing.thingGroupId,
      resourceArn: existing.thingGroupArn,
    });
  }
  if (parentGroupName !== undefined) {
    const parent = findGroup(core, parentGroupName);
    if (core.groups.lineage(parent).length >= MAX_GROUP_DEPTH) throw invalidRequest(`Thing groups may be nested at most ${MAX_GROUP_DEPTH} levels deep.`);
  }
  const group: ThingGroupRecord = {
    thingGroupName,
    thingGroupId: randomUUID(),
    thingGroupArn: thingGroupArn(core, thingGroupName),
    parentGroupName,
    description,
    attributes,
    creationDateMs: core.clock.now(),
    version: 1,
    things: new Set(),
    children: new Set(),
  };
  core.groups.add(group);
  return response(group);
}

/** DescribeThingGroup. */
export function describeThingGroup(core: SimulatorCore, request: { thingGroupName: string }): DescribeThingGroupResponse {
  const group = findGroup(core, groupNameOf(requestFields(request).thingGroupName));
  const out: DescribeThingGroupResponse = {
    thingGroupName: group.thingGroupName,
    thingGroupId: group.thingGroupId,
    thingGroupArn: group.thingGroupArn,
    version: group.version,
    thingGroupProperties: { attributePayload: { attributes: { ...group.attributes } } },
    thingGroupMetadata: { creationDate: group.creationDateMs / 1000 },
  };
  if (group.description !== undefined) out.thingGroupProperties.thingGroupDescription = group.description;
  if (group.parentGroupName !== undefined) {
    out.thingGroupMetadata.parentGroupName = group.parentGroupName;
    out.thingGroupMetadata.rootToParentThingGroups = core.groups
      .lineage(group)
      .slice(1)
      .reverse()
      .map((ancestor) => ({ groupName: ancestor.thingGroupName, groupArn: ancestor.thingGroupArn }));
  }
  return out;
}

/**
 * DeleteThingGroup: succeeds for an unknown group; a group with child groups
 * is InvalidRequestException. Its members leave it (CONTINUOUS jobs see them go).
 */
export function deleteThingGroup(core: SimulatorCore, request: { thingGroupName: string; expectedVersion?: number }): Record<string, never> {
  const fields = requestFields(request);
  const group = core.groups.get(groupNameOf(fields.thingGroupName));
  const expectedVersion = optionalInteger(fields.expectedVersion, 'expectedVersion', 0, Number.MAX_SAFE_INTEGER);
  if (!group) return {};
  if (group.children.size > 0) throw invalidRequest(`Thing group ${group.thingGroupName} has child groups; delete them first.`);
  if (expectedVersion !== undefined && expectedVersion !== group.version) {
    throw new SimulatorError('VersionConflictException', `expectedVersion ${expectedVersion} does not match the group's version ${group.version}.`);
  }
  const members = [...group.things];
  core.groups.remove(group);
  const nowMs = core.clock.now();
  for (const thingName of members) membershipChanged(core, thingName, nowMs);
  return {};
}

/** AddThingToThingGroup: a thing belongs directly to at most 10 groups; adding twice is a no-op. */
export function addThingToThingGroup(core: SimulatorCore, request: ThingGroupMembershipRequest): Record<string, never> {
  const { group, thingName } = membership(core, request);
  if (group.things.has(thingName)) return {};
  if (core.groups.directCount(thingName) >= MAX_GROUPS_PER_THING) {
    throw new SimulatorError('LimitExceededException', `Thing ${thingName} already belongs to ${MAX_GROUPS_PER_THING} thing groups.`);
  }
  group.things.add(thingName);
  group.version += 1;
  membershipChanged(core, thingName, core.clock.now());
  return {};
}

/** RemoveThingFromThingGroup: removing a thing that is not a member is a no-op. */
export function removeThingFromThingGroup(core: SimulatorCore, request: ThingGroupMembershipRequest): Record<string, never> {
  const { group, thingName } = membership(core, request);
  if (!group.things.delete(thingName)) return {};
  group.version += 1;
  membershipChanged(core, thingName, core.clock.now());
  return {};
}

/** ListThingsInThingGroup, in the order things were added; `recursive` adds child groups' things. */
export function listThingsInThingGroup(core: SimulatorCore, request: ListThingsInThingGroupRequest): ListThingsInThingGroupResponse {
  const fields = requestFields(request);
  const group = findGroup(core, groupNameOf(fields.thingGroupName));
  const recursive = optionalFlag(fields.recursive, 'recursive') ?? false;
  const things = recursive ? [...core.groups.members(group)] : [...group.things];
  const { items, nextToken } = page(things, fields.maxResults, fields.nextToken);
  const out: ListThingsInThingGroupResponse = { things: items };
  if (nextToken !== undefined) out.nextToken = nextToken;
  return out;
}

/** Removes a deleted thing from every group (its executions are REMOVED by DeleteThing itself). */
export function forgetThing(core: SimulatorCore, thingName: string): void {
  for (const groupName of core.groups.groupsOf(thingName)) {
    const group = core.groups.get(groupName);
    if (group?.things.delete(thingName)) group.version += 1;
  }
}

function membership(core: SimulatorCore, request: ThingGroupMembershipRequest): { group: ThingGroupRecord; thingName: string } {
  const fields = requestFields(request);
  optionalFlag(fields.overrideDynamicGroups, 'overrideDynamicGroups');
  const prefix = `arn:aws:iot:${core.store.region}:${core.store.accountId}:`;
  let groupName: string;
  if (fields.thingGroupName !== undefined && fields.thingGroupName !== null) groupName = groupNameOf(fields.thingGroupName);
  else if (typeof fields.thingGroupArn === 'string' && fields.thingGroupArn.startsWith(`${prefix}thinggroup/`)) groupName = fields.thingGroupArn.slice(prefix.length + 11);
  else throw invalidRequest('thingGroupName or thingGroupArn (of this account and region) is required.');
  let thingName: string;
  if (fields.thingName !== undefined && fields.thingName !== null) thingName = thingNameOf(fields.thingName);
  else if (typeof fields.thingArn === 'string' && fields.thingArn.startsWith(`${prefix}thing/`)) thingName = thingNameOf(fields.thingArn.slice(prefix.length + 6), 'thingArn');
  else throw invalidRequest('thingName or thingArn (of this account and region) is required.');
  const group = findGroup(core, groupName);
  if (!core.store.things.has(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
  return { group, thingName };
}

function response(group: ThingGroupRecord): CreateThingGroupResponse {
  return { thingGroupName: group.thingGroupName, thingGroupArn: group.thingGroupArn, thingGroupId: group.thingGroupId };
}


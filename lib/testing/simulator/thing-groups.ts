/**
 * Static thing groups (docs/protocol.md §11): the groups, their hierarchy and their
 * direct members. A group's members for jobs are its own and those of its
 * descendants, as AWS targets them. Pure state: the job side lives in
 * `control-thing-groups.ts`.
 * @packageDocumentation
 */

/** A static thing group. */
export interface ThingGroupRecord {
  readonly thingGroupName: string;
  readonly thingGroupId: string;
  readonly thingGroupArn: string;
  readonly parentGroupName: string | undefined;
  readonly description: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly creationDateMs: number;
  version: number;
  /** Things added directly to this group. */
  readonly things: Set<string>;
  /** Names of the direct child groups. */
  readonly children: Set<string>;
}

/** Deepest nesting AWS allows (a root and six levels below it). */
export const MAX_GROUP_DEPTH = 7;
/** Most static groups a thing may belong to directly. */
export const MAX_GROUPS_PER_THING = 10;

/** The groups of one simulated account. */
export class ThingGroups {
  private readonly byName = new Map<string, ThingGroupRecord>();

  /** The group named `name`, if any. */
  get(name: string): ThingGroupRecord | undefined {
    return this.byName.get(name);
  }

  /** The group with id `id`, if any. O(groups). */
  byId(id: string): ThingGroupRecord | undefined {
    for (const group of this.byName.values()) if (group.thingGroupId === id) return group;
    return undefined;
  }

  /** Adds a group (its parent must exist). */
  add(group: ThingGroupRecord): void {
    this.byName.set(group.thingGroupName, group);
    if (group.parentGroupName !== undefined) this.byName.get(group.parentGroupName)?.children.add(group.thingGroupName);
  }

  /** Removes a group (it must have no children). */
  remove(group: ThingGroupRecord): void {
    this.byName.delete(group.thingGroupName);
    if (group.parentGroupName !== undefined) this.byName.get(group.parentGroupName)?.children.delete(group.thingGroupName);
  }

  /** The group and its ancestors, from the group up to the root. */
  lineage(group: ThingGroupRecord): ThingGroupRecord[] {
    const out: ThingGroupRecord[] = [];
    for (let current: ThingGroupRecord | undefined = group; current; current = current.parentGroupName === undefined ? undefined : this.byName.get(current.parentGroupName)) {
      out.push(current);
      if (out.length > MAX_GROUP_DEPTH) break;
    }
    return out;
  }

  /** The group's members for jobs: its things and those of every descendant, in insertion order. */
  members(group: ThingGroupRecord): Set<string> {
    const out = new Set<string>();
    const visit = (current: ThingGroupRecord, depth: number): void => {
      for (const thingName of current.things) out.add(thingName);
      if (depth >= MAX_GROUP_DEPTH) return;
      for (const child of current.children) {
        const record = this.byName.get(child);
        if (record) visit(record, depth + 1);
      }
    };
    visit(group, 1);
    return out;
  }

  /** The names of every group `thingName` belongs to, directly or through a child group. */
  groupsOf(thingName: string): Set<string> {
    const out = new Set<string>();
    for (const group of this.byName.values()) {
      if (!group.things.has(thingName)) continue;
      for (const member of this.lineage(group)) out.add(member.thingGroupName);
    }
    return out;
  }

  /** How many groups `thingName` belongs to directly. */
  directCount(thingName: string): number {
    let count = 0;
    for (const group of this.byName.values()) if (group.things.has(thingName)) count += 1;
    return count;
  }
}

/**
 * Control plane: things (CreateThing, DescribeThing, DeleteThing; docs/protocol.md §11).
 * @packageDocumentation
 */

import { randomUUID } from 'node:crypto';
import type { SimulatorCore } from './core.js';
import { forgetThing } from './control-thing-groups.js';
import { readAttributePayload, requestFields, thingNameOf } from './control-validation.js';
import { isPending, type ThingRecord } from './model.js';
import { invalidRequest, notFound, SimulatorError } from './simulator-error.js';

/** CreateThing request (the members the simulator models). */
export interface CreateThingRequest {
  /** The thing's name: 1-128 characters of `[a-zA-Z0-9:_-]`. */
  thingName: string;
  /** The thing's type; none when omitted. */
  thingTypeName?: string;
  /** The thing's attributes. */
  attributePayload?: {
    /** Attribute names to values; at most 3 without a thing type. */
    attributes?: Record<string, string>;
    /** Ignored by the simulator. */
    merge?: boolean;
  };
}

/** CreateThing response. */
export interface CreateThingResponse {
  /** The thing's name. */
  thingName: string;
  /** The thing's ARN. */
  thingArn: string;
  /** The thing's generated id (a UUID in the simulator). */
  thingId: string;
}

/** DescribeThing response. */
export interface DescribeThingResponse {
  /** The default MQTT client id; the thing name. */
  defaultClientId: string;
  /** The thing's name. */
  thingName: string;
  /** The thing's generated id (a UUID in the simulator). */
  thingId: string;
  /** The thing's ARN. */
  thingArn: string;
  /** The thing's type; present only if it has one. */
  thingTypeName?: string;
  /** The thing's attributes; `{}` when none. */
  attributes: Record<string, string>;
  /** The thing record's version; 1 in the simulator, which has no UpdateThing. */
  version: number;
}


/** CreateThing: idempotent for the same configuration; a different one is ResourceAlreadyExistsException. */
export function createThing(core: SimulatorCore, request: CreateThingRequest): CreateThingResponse {
  const fields = requestFields(request);
  const thingName = thingNameOf(fields.thingName);
  const thingTypeName = fields.thingTypeName === undefined || fields.thingTypeName === null ? undefined : thingNameOf(fields.thingTypeName, 'thingTypeName');
  const attributes = readAttributePayload(fields.attributePayload);
  if (Object.keys(attributes).length > 3) throw invalidRequest('A thing without a thing type may have at most 3 attributes.');
  const existing = core.store.things.get(thingName);
  if (existing) {
    if (existing.thingTypeName === thingTypeName && sameAttributes(existing.attributes, attributes)) return response(existing);
    throw new SimulatorError('ResourceAlreadyExistsException', `Thing ${thingName} already exists in account with different attributes`, {
      resourceId: existing.thingId,
      resourceArn: existing.thingArn,
    });
  }
  const thing: ThingRecord = { thingName, thingArn: core.store.thingArn(thingName), thingId: randomUUID(), thingTypeName, attributes, version: 1 };
  core.store.things.set(thingName, thing);
  return response(thing);
}

/** Registers `thingName` if it is not yet known (the `autoCreateThings` option). */
export function ensureThing(core: SimulatorCore, thingName: string): void {
  if (!core.store.things.has(thingName)) createThing(core, { thingName });
}

/** DescribeThing. @throws {@link SimulatorError} ResourceNotFoundException for an unknown thing. */
export function describeThing(core: SimulatorCore, request: { thingName: string }): DescribeThingResponse {
  const thingName = thingNameOf(requestFields(request).thingName);
  const thing = core.store.things.get(thingName);
  if (!thing) throw notFound(`Thing ${thingName} cannot be found.`);
  const out: DescribeThingResponse = {
    defaultClientId: thing.thingName,
    thingName: thing.thingName,
    thingId: thing.thingId,
    thingArn: thing.thingArn,
    attributes: { ...thing.attributes },
    version: thing.version,
  };
  if (thing.thingTypeName !== undefined) out.thingTypeName = thing.thingTypeName;
  return out;
}

/**
 * DeleteThing: succeeds for an unknown thing. The thing's pending executions
 * become REMOVED (docs/protocol.md §7.2: "thing deleted").
 */
export function deleteThing(core: SimulatorCore, request: { thingName: string }): Record<string, never> {
  const thingName = thingNameOf(requestFields(request).thingName);
  if (!core.store.things.delete(thingName)) return {};
  forgetThing(core, thingName);
  const nowMs = core.clock.now();
  core.notifier.track([thingName], () => {
    for (const execution of [...core.store.executionsOf(thingName)]) {
      if (isPending(execution.status)) core.end(execution, 'REMOVED', nowMs, true);
    }
  });
  return {};
}

function response(thing: ThingRecord): CreateThingResponse {
  return { thingName: thing.thingName, thingArn: thing.thingArn, thingId: thing.thingId };
}


function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

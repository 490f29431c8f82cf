/**
 * mitt, typed for NodeNext: mitt ships CommonJS typings that NodeNext reads as
 * "not callable" (toolchain.md), so the default export is unwrapped here once.
 * @packageDocumentation
 */

import mittImport, { type Emitter, type EventType } from 'mitt';

export type { Emitter, EventType, Handler } from 'mitt';

type Mitt = <E extends Record<EventType, unknown>>() => Emitter<E>;
const mitt: Mitt = mittImport.default ?? (mittImport as unknown as Mitt);

/** Creates a typed mitt emitter. */
export function createEmitter<E extends Record<EventType, unknown>>(): Emitter<E> {
  return mitt<E>();
}

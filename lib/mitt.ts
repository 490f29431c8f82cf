/**
 * mitt, typed under NodeNext (mitt's typings describe a CommonJS module, so
 * its default export is "not callable" there; see toolchain.md).
 * @packageDocumentation
 */

import mittImport, { type Emitter, type EventType } from 'mitt';

export type { Emitter, EventType } from 'mitt';

type Mitt = <Events extends Record<EventType, unknown>>() => Emitter<Events>;

/** Creates a typed event emitter. */
export const mitt: Mitt = (mittImport as unknown as { default?: Mitt }).default ?? (mittImport as unknown as Mitt);

/**
 * The public events API of `JobsClient` and `Jobs`: mitt underneath, with two
 * promises mitt does not make. `on()` returns the function that removes the
 * listener, and a listener that throws never stops the others nor escapes into
 * the caller of `emit` (the library's message loop, a timer, a promise chain):
 * its exception goes to the owner's `onListenerError`.
 *
 * The library's own routing never goes through these emitters, so nothing a
 * user does to them (`off`, `all.clear()`) can deafen it.
 * @packageDocumentation
 */

import type { EventType, Handler, WildcardHandler } from 'mitt';
import { createEmitter } from './emitter.js';

/** A typed event emitter whose `on()` returns an unsubscribe function. */
export interface Events<E extends Record<EventType, unknown>> {
  /** Every listener by event type (mitt's map); `all.clear()` removes them all. */
  readonly all: Map<keyof E | '*', Array<Handler<E[keyof E]>> | Array<WildcardHandler<E>>>;
  /** Adds a listener. @returns a function that removes it (safe to call twice). */
  on<K extends keyof E>(type: K, handler: Handler<E[K]>): () => void;
  /** Adds a listener of every event. @returns a function that removes it. */
  on(type: '*', handler: WildcardHandler<E>): () => void;
  /** Removes a listener (all of the type when `handler` is left out). */
  off<K extends keyof E>(type: K, handler?: Handler<E[K]>): void;
  /** Removes a listener of every event. */
  off(type: '*', handler: WildcardHandler<E>): void;
  /** Calls the listeners of `type`, then the `*` listeners; a listener's exception is contained. */
  emit<K extends keyof E>(type: K, event: E[K]): void;
}

/**
 * Creates an {@link Events} emitter.
 * @param onListenerError - receives what a listener threw, with the event type; must not throw itself (if it does, that is swallowed).
 */
export function createSafeEmitter<E extends Record<EventType, unknown>>(onListenerError: (type: keyof E, error: unknown) => void): Events<E> {
  const inner = createEmitter<E>();
  const report = (type: keyof E, error: unknown): void => {
    try {
      onListenerError(type, error);
    } catch {
      // A reporting hook that throws must not break the emitter either.
    }
  };
  return {
    all: inner.all,
    on(type: keyof E | '*', handler: Handler<E[keyof E]> | WildcardHandler<E>): () => void {
      inner.on(type as keyof E, handler as Handler<E[keyof E]>);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        inner.off(type as keyof E, handler as Handler<E[keyof E]>);
      };
    },
    off(type: keyof E | '*', handler?: Handler<E[keyof E]> | WildcardHandler<E>): void {
      inner.off(type as keyof E, handler as Handler<E[keyof E]> | undefined);
    },
    emit<K extends keyof E>(type: K, event: E[K]): void {
      const handlers = inner.all.get(type) as Array<Handler<E[K]>> | undefined;
      if (handlers !== undefined) {
        for (const handler of [...handlers]) {
          try {
            handler(event);
          } catch (error) {
            report(type, error);
          }
        }
      }
      const wildcards = inner.all.get('*') as Array<WildcardHandler<E>> | undefined;
      if (wildcards !== undefined) {
        for (const handler of [...wildcards]) {
          try {
            handler(type, event);
          } catch (error) {
            report(type, error);
          }
        }
      }
    },
  } as Events<E>;
}

/**
 * Routes a JobsClient's notifications to the {@link Jobs} objects of the thing
 * they name. A gateway has one client for thousands of things: with one
 * listener per Jobs on the client, every notification visited every Jobs
 * (quadratic over a fan-out), and closing each Jobs searched the client's
 * listener arrays. Here the client has one listener per event and a
 * notification costs one map lookup.
 * @packageDocumentation
 */

import type { JobsClient } from './client/jobs-client.js';
import type { JobExecutionsChangedNotification, NextJobExecutionChangedNotification } from './protocol/shapes.js';

/** What one Jobs object wants to hear. */
export interface ThingHandlers {
  notify(notification: JobExecutionsChangedNotification): void;
  next(notification: NextJobExecutionChangedNotification): void;
  reconnect(): void;
}

class ThingRouter {
  private readonly byThing = new Map<string, Set<ThingHandlers>>();
  private readonly everyone = new Set<ThingHandlers>();

  constructor(client: JobsClient) {
    client.events.on('notify', ({ thingName, notification }) => {
      for (const handlers of this.handlersOf(thingName)) handlers.notify(notification);
    });
    client.events.on('notify-next', ({ thingName, notification }) => {
      for (const handlers of this.handlersOf(thingName)) handlers.next(notification);
    });
    client.events.on('reconnect', () => {
      for (const handlers of [...this.everyone]) handlers.reconnect();
    });
  }

  add(thingName: string, handlers: ThingHandlers): () => void {
    let set = this.byThing.get(thingName);
    if (set === undefined) {
      set = new Set();
      this.byThing.set(thingName, set);
    }
    set.add(handlers);
    this.everyone.add(handlers);
    return () => {
      this.everyone.delete(handlers);
      const current = this.byThing.get(thingName);
      if (current === undefined) return;
      current.delete(handlers);
      if (current.size === 0) this.byThing.delete(thingName);
    };
  }

  /** A copy, so that a handler may close its Jobs while the others are visited. */
  private handlersOf(thingName: string): ThingHandlers[] {
    const set = this.byThing.get(thingName);
    return set === undefined ? [] : [...set];
  }
}

const routers = new WeakMap<JobsClient, ThingRouter>();

/**
 * Delivers the client's notifications for `thingName`, and its reconnects, to `handlers`.
 * @returns a function that stops the delivery.
 */
export function routeThing(client: JobsClient, thingName: string, handlers: ThingHandlers): () => void {
  let router = routers.get(client);
  if (router === undefined) {
    router = new ThingRouter(client);
    routers.set(client, router);
  }
  return router.add(thingName, handlers);
}

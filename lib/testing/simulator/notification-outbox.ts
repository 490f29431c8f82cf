/**
 * The queue between the simulator's notifications and the broker. It hands
 * notifications over in order, at most `window` not yet written by the broker
 * at any time, and at most `chunk` per turn of the event loop (the rest on
 * the next `setImmediate`), so that a fan-out to 100,000 things neither
 * fills the broker's queues at once nor holds the event loop, and a slow
 * subscriber (whose socket the broker waits to drain) holds the rest here,
 * as two references per notification (its kind and thing; the payload is
 * rendered when it is handed over), rather than in the broker as packets.
 * @packageDocumentation
 */

import { setImmediate as nextTurn } from 'node:timers';
import type { NotificationKind } from './notifier.js';

/** Renders and publishes one notification; calls `done` once the broker has written it (or dropped it). Must not throw. */
export type PublishNotification = (kind: NotificationKind, thingName: string, done: () => void) => void;

/** Flow control of notification delivery. */
export interface DeliveryLimits {
  /** At most this many notifications handed to the broker and not yet written. */
  window: number;
  /** At most this many handed over per turn of the event loop. */
  chunk: number;
}

/** The default {@link DeliveryLimits}. */
export const DEFAULT_DELIVERY_LIMITS: Readonly<DeliveryLimits> = Object.freeze({ window: 64, chunk: 256 });

/** An ordered queue of notifications with a window of unacknowledged publishes. */
export class NotificationOutbox {
  /** Kinds and thing names, alternating, from `head` on. */
  private queue: string[] = [];
  private head = 0;
  private inFlight = 0;
  private scheduled = false;
  private pumping = false;
  private sentThisTurn = 0;
  private held = 0;
  private closed = false;

  /** @param publish - hands one notification to the broker. @param limits - the window and chunk. */
  constructor(
    private readonly publish: PublishNotification,
    private readonly limits: DeliveryLimits = DEFAULT_DELIVERY_LIMITS,
  ) {}

  /** Queues a notification; it goes out at once if nothing is held and the window and this turn's chunk allow. */
  push(kind: NotificationKind, thingName: string): void {
    if (this.closed) return;
    this.queue.push(kind, thingName);
    if (this.held === 0) this.pump();
  }

  /** Queues without sending until {@link NotificationOutbox.release} (used while a request's reply is not yet out). */
  hold(): void {
    this.held += 1;
  }

  /** Ends a {@link NotificationOutbox.hold} and sends what the window allows. */
  release(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.held === 0) this.pump();
  }

  /** How many notifications wait here (not yet handed to the broker). */
  get queued(): number {
    return (this.queue.length - this.head) / 2;
  }

  /** Drops everything queued; later pushes are ignored. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.head < this.queue.length && this.inFlight < this.limits.window && this.sentThisTurn < this.limits.chunk && !this.closed) {
        const kind = this.queue[this.head] as NotificationKind;
        const thingName = this.queue[this.head + 1] as string;
        this.head += 2;
        this.inFlight += 1;
        this.sentThisTurn += 1;
        this.nextTurnResets();
        let settled = false;
        this.publish(kind, thingName, () => {
          if (settled) return;
          settled = true;
          this.inFlight -= 1;
          if (this.held === 0) this.pump();
        });
      }
    } finally {
      this.pumping = false;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** After a turn that sent anything, the next turn gets a fresh chunk and goes on. */
  private nextTurnResets(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    nextTurn(() => {
      this.scheduled = false;
      this.sentThisTurn = 0;
      if (this.held === 0 && !this.closed) this.pump();
    });
  }
}

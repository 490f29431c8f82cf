/**
 * The events the simulator emits: one per notification it publishes, per
 * thing. MQTT fronts turn them into publishes on `notify` / `notify-next`.
 * @packageDocumentation
 */

import type { JobExecutionsChangedNotification } from '../../protocol/shapes.js';
import { createEmitter as createTypedEmitter, type Emitter, type EventType } from '../../util/emitter.js';
import type { DeviceJobExecution } from './shapes.js';

/** `notify-next` as the simulator publishes it over MQTT. */
export interface NextNotificationPayload {
  /** When the simulator sent the notification, in epoch seconds. */
  timestamp: number;
  /** The new next execution, with its job document; absent when no execution is pending. */
  execution?: DeviceJobExecution;
}

/** A `notify` for one thing. */
export interface NotifyEvent {
  /** The thing the notification is for. */
  thingName: string;
  /** The `notify` payload. */
  payload: JobExecutionsChangedNotification;
}

/** A `notify-next` for one thing. */
export interface NotifyNextEvent {
  /** The thing the notification is for. */
  thingName: string;
  /** The `notify-next` payload. */
  payload: NextNotificationPayload;
}

/** Every event of the simulator, by name. */
export interface SimulatorEvents extends Record<EventType, unknown> {
  /** A `notify` was published: a thing's pending set changed. */
  notify: NotifyEvent;
  /** A `notify-next` was published: a thing's next execution changed. */
  'notify-next': NotifyNextEvent;
}

/** Creates the simulator's event emitter. */
export function createEmitter(): Emitter<SimulatorEvents> {
  return createTypedEmitter<SimulatorEvents>();
}

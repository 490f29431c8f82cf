/**
 * The events the simulator emits: one per notification it publishes, per
 * thing. MQTT fronts turn them into publishes on `notify` / `notify-next`.
 * @packageDocumentation
 */

import type { JobExecutionsChangedNotification } from '../../client/messages.js';
import { createEmitter as createTypedEmitter, type Emitter, type EventType } from '../../emitter.js';
import type { DeviceJobExecution } from './shapes.js';

/** `notify-next` as the simulator publishes it over MQTT. */
export interface NextNotificationPayload {
  timestamp: number;
  execution?: DeviceJobExecution;
}

/** A `notify` for one thing. */
export interface NotifyEvent {
  thingName: string;
  payload: JobExecutionsChangedNotification;
}

/** A `notify-next` for one thing. */
export interface NotifyNextEvent {
  thingName: string;
  payload: NextNotificationPayload;
}

/** Every event of the simulator, by name. */
export interface SimulatorEvents extends Record<EventType, unknown> {
  notify: NotifyEvent;
  'notify-next': NotifyNextEvent;
}

/** Creates the simulator's event emitter. */
export function createEmitter(): Emitter<SimulatorEvents> {
  return createTypedEmitter<SimulatorEvents>();
}

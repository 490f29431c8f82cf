/**
 * The events the simulator emits: one per notification it publishes, per
 * thing. MQTT fronts turn them into publishes on `notify` / `notify-next`.
 * @packageDocumentation
 */

import mittImport, { type Emitter, type EventType } from 'mitt';
import type { JobExecutionsChangedNotification } from '../../client/messages.js';
import type { DeviceJobExecution } from './shapes.js';

type Mitt = <E extends Record<EventType, unknown>>() => Emitter<E>;
// mitt is typed as a CommonJS module under NodeNext (toolchain.md).
const mitt: Mitt = (mittImport).default ?? (mittImport as unknown as Mitt);

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
  return mitt<SimulatorEvents>();
}

/**
 * The mqtt.js 4 that async-mqtt wraps, taken from async-mqtt's own
 * dependency, whatever other mqtt.js the project has installed. Used where a
 * raw mqtt.js client is needed under the async-mqtt wrapper (custom streams,
 * socket options).
 * @packageDocumentation
 */

import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { IClientOptions, IMqttClient } from 'async-mqtt';

/** The parts of mqtt.js 4 this library uses. */
export interface MqttJs4 {
  /** A client over streams the caller builds (one per (re)connect). */
  MqttClient: new (streamBuilder: () => Duplex, options: IClientOptions) => IMqttClient;
  /** A client for a URL (`mqtt://`, `mqtts://`, ...). */
  connect: (url: string, options: IClientOptions) => IMqttClient;
}

const requireFromAsyncMqtt = createRequire(createRequire(import.meta.url).resolve('async-mqtt'));

/** async-mqtt's mqtt.js 4. */
export const mqtt4 = requireFromAsyncMqtt('mqtt') as MqttJs4;

/**
 * Turns Nagle's algorithm off on the client's socket at every (re)connect.
 * mqtt.js writes a PUBACK and the next PUBLISH separately; with Nagle the
 * second waits for the peer's delayed ACK of the first (~40 ms on Linux).
 */
export function disableNagle(client: IMqttClient): void {
  client.on('connect', () => {
    const stream = (client as unknown as { stream?: { setNoDelay?: (noDelay: boolean) => unknown } }).stream;
    stream?.setNoDelay?.(true);
  });
}

/**
 * The embedded MQTT broker of the standalone server: aedes (MQTT 3.1.1) on a
 * TCP port, the same broker `aws-iot-jobs/testing` hands to tests.
 * @packageDocumentation
 */

import type { Aedes } from 'aedes';
import { createTcpBroker } from '../testing/broker.js';

/** A running embedded broker. */
export interface RunningMqttBroker {
  /** The aedes instance the simulator attaches to. */
  readonly aedes: Aedes;
  /** `mqtt://HOST:PORT`. */
  readonly url: string;
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  /** Disconnects every client, stops listening and closes the broker. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts aedes listening on `host:port`.
 * @throws {@link ListenError} when the port is taken or cannot be bound.
 */
export async function startMqttBroker(host: string, port: number): Promise<RunningMqttBroker> {
  const broker = await createTcpBroker({ host, port });
  return { aedes: broker.aedes, url: broker.url, port: broker.port, close: () => broker.close() };
}

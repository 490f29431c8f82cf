/**
 * The small adapter that lets an mqtt.js v5 `MqttClient` serve as an
 * {@link MqttConnection}. Structural: this library never imports mqtt.js v5.
 * @packageDocumentation
 */

import type { CloseListener, ConnectionEvents, ConnectListener, JobsQoS, MessageListener, MqttConnection, SubscriptionGrant } from './connection.js';

/** The part of an mqtt.js v5 `MqttClient` the adapter uses. */
export interface MqttJsClient extends ConnectionEvents {
  /** Publishes; resolves once sent (QoS 0) or acknowledged (QoS 1). */
  publishAsync(topic: string, message: string | Buffer, opts?: { qos: JobsQoS }): Promise<unknown>;
  /** Subscribes; resolves with the SUBACK grants, and rejects when the SUBACK refuses a filter. */
  subscribeAsync(topics: string[], opts?: { qos: JobsQoS }): Promise<SubscriptionGrant[]>;
  /** Unsubscribes; resolves on UNSUBACK. */
  unsubscribeAsync(topics: string | string[]): Promise<unknown>;
  /** Whether the client is connected to the broker right now. */
  readonly connected: boolean;
}

/**
 * Wraps an mqtt.js v5 client. mqtt.js v5 rejects a subscribe whose SUBACK
 * refuses a filter; the adapter turns that back into grants of 128, as
 * async-mqtt reports them, so that the Jobs client sees one behaviour.
 * Listeners are added to and removed from the wrapped client itself. The same
 * client always gives the same connection object, so that
 * `JobsClient.for(fromMqttJs(client))` finds its shared client again.
 * @param client - a connected (or connecting) mqtt.js v5 `MqttClient`.
 */
export function fromMqttJs(client: MqttJsClient): MqttConnection {
  let connection = ADAPTED.get(client);
  if (connection === undefined) {
    connection = adapt(client);
    ADAPTED.set(client, connection);
  }
  return connection;
}

const ADAPTED = new WeakMap<MqttJsClient, MqttConnection>();

function adapt(client: MqttJsClient): MqttConnection {
  return {
    publish: (topic, payload, options) => client.publishAsync(topic, payload, options),
    subscribe: async (filters, options) => {
      const list = typeof filters === 'string' ? [filters] : filters;
      try {
        return await client.subscribeAsync(list, options);
      } catch (error) {
        const granted = refusedGrants(error);
        if (granted?.length === list.length) return list.map((topic, index) => ({ topic, qos: granted[index] ?? 128 }));
        throw error;
      }
    },
    unsubscribe: (filters) => client.unsubscribeAsync(filters),
    on: (event: 'message' | 'connect' | 'close', listener: MessageListener & ConnectListener & CloseListener) => client.on(event as 'message', listener),
    off: (event: 'message' | 'connect' | 'close', listener: MessageListener & ConnectListener & CloseListener) => client.off(event as 'message', listener),
    get connected() {
      return client.connected;
    },
  };
}

/** The SUBACK return codes an mqtt.js v5 `ErrorWithSubackPacket` carries, if any. */
function refusedGrants(error: unknown): number[] | undefined {
  if (typeof error !== 'object' || error === null || !('packet' in error)) return undefined;
  const packet: unknown = error.packet;
  if (typeof packet !== 'object' || packet === null || !('granted' in packet)) return undefined;
  const granted: unknown = packet.granted;
  return Array.isArray(granted) && granted.every((code) => typeof code === 'number') ? granted : undefined;
}

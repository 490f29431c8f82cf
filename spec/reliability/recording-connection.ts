/**
 * An MqttConnection wrapper that records every publish, subscribe and
 * unsubscribe, so a test can assert on what went out.
 * @packageDocumentation
 */

import type { MqttConnection } from '../../lib/mqtt/connection.js';

/** One recorded outgoing operation. */
export interface Sent {
  kind: 'publish' | 'subscribe' | 'unsubscribe';
  topic: string;
}

/** Wraps `connection`; `log` holds every topic published and filter (un)subscribed. */
export function recording(connection: MqttConnection): { connection: MqttConnection; log: Sent[] } {
  const log: Sent[] = [];
  const list = (filters: string | string[]): string[] => (typeof filters === 'string' ? [filters] : filters);
  type Listener = Parameters<MqttConnection['on']>[1];
  const wrapped: MqttConnection = {
    publish: (topic, payload, options) => {
      log.push({ kind: 'publish', topic });
      return connection.publish(topic, payload, options);
    },
    subscribe: (filters, options) => {
      for (const topic of list(filters)) log.push({ kind: 'subscribe', topic });
      return connection.subscribe(filters, options);
    },
    unsubscribe: (filters) => {
      for (const topic of list(filters)) log.push({ kind: 'unsubscribe', topic });
      return connection.unsubscribe(filters);
    },
    on: ((event: 'message', listener: Listener) => connection.on(event, listener)) as MqttConnection['on'],
    off: ((event: 'message', listener: Listener) => connection.off(event, listener)) as MqttConnection['off'],
    get connected() {
      return connection.connected !== false;
    },
  };
  return { connection: wrapped, log };
}

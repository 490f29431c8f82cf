/**
 * The log line of a connection a limit closed or refused, naming the flag
 * that sets the limit.
 * @packageDocumentation
 */

import type { LimitEvent } from '../testing/connection-guard.js';

/** One line for `event` on the `mqtt` or `http` listener. */
export function describeLimitEvent(event: LimitEvent, listener: 'mqtt' | 'http'): string {
  switch (event.kind) {
    case 'packet-too-large':
      return `closed MQTT connection ${event.remote}: a packet of ${event.bytes} bytes exceeds ${event.limit} (--max-payload-bytes)`;
    case 'slow-reader':
      return `closed MQTT connection ${event.remote}: ${event.bytes} bytes queued for a client that does not read exceed ${event.limit} (--max-outbound-bytes)`;
    case 'connection-refused':
      return listener === 'mqtt'
        ? `refused MQTT connection ${event.remote}: ${event.limit} connections are open (--max-connections)`
        : `refused HTTP connection ${event.remote}: ${event.limit} connections are open (--max-http-connections)`;
  }
}

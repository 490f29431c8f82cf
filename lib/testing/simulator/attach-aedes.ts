/**
 * Attaches the simulator inside an aedes broker, as AWS's Jobs service sits
 * inside AWS IoT's broker: requests are read from the broker's `publish`
 * event; a reply is written to the requesting connection only (aedes
 * `Client#publish`), whether or not it subscribed, so no other subscriber sees
 * it; notifications go through the broker to every subscriber.
 * @packageDocumentation
 */

import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import { reserveOutbound } from '../connection-guard.js';
import { MqttFront, type FrontTarget } from './mqtt-front.js';

/** QoS of replies: AWS was seen answering a non-subscribed requester at QoS 0 (docs/protocol.md §2.2). */
const REPLY_QOS = 0;
/** QoS of notifications (docs/protocol.md §13.18 leaves it open): 1, downgraded to each subscription's QoS. */
const NOTIFICATION_QOS = 1;

/** A live attachment to one aedes broker. */
export interface AedesAttachment {
  /** Drops the connection of a client, as a network failure would. @returns true if it was connected. */
  disconnect(clientId: string): boolean;
  /** Stops answering and removes every listener. */
  detach(): void;
}

/** Starts answering Jobs requests on `aedes`. */
export function attachToAedes(aedes: Aedes, target: FrontTarget): AedesAttachment {
  const front = new MqttFront(target, (topic, payload) => {
    if (aedes.closed) return;
    aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: NOTIFICATION_QOS, retain: false, dup: false }, ignore);
  });
  const onPublish = (packet: AedesPublishPacket, client: Client | null): void => {
    // client is null for the broker's own publishes ($SYS, our notifications).
    if (!client) return;
    // A connection a limit just closed still has the rest of its last read in aedes's parser: do not answer it.
    if ((client.conn as { destroyed?: boolean }).destroyed === true) return;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    front.handle(packet.topic, payload, (topic, body) => {
      // A client that does not read its replies is disconnected before they pile up (TCP/TLS broker limit).
      if (client.closed || !reserveOutbound(client.conn, Buffer.byteLength(body) + topic.length + 8)) return;
      client.publish({ cmd: 'publish', topic, payload: Buffer.from(body), qos: REPLY_QOS, retain: false, dup: false }, ignore);
    });
  };
  aedes.on('publish', onPublish);
  return {
    disconnect: (clientId) => {
      const client = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[clientId];
      if (!client) return false;
      client.close();
      return true;
    },
    detach: () => {
      aedes.removeListener('publish', onPublish);
      front.close();
    },
  };
}

function ignore(): void {
  // Delivery errors (a closed connection) are the device's problem, as on AWS.
}

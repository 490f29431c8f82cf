/**
 * Attaches the Commands simulator inside an aedes broker: requests and status
 * events go through the broker to subscribers; a reply to a device's response
 * goes to that connection only, as AWS IoT does (docs/commands.md §4).
 * @packageDocumentation
 */

import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import { CommandsFront } from './commands-front.js';
import type { CommandsCore } from './core.js';
import type { CommandFaults } from './faults.js';

/** QoS of requests and events through the broker. */
const PUBLISH_QOS = 1;

/** Starts serving Commands on `aedes`; returns the detach function. */
export function attachCommandsToAedes(aedes: Aedes, core: CommandsCore, faults: CommandFaults): () => void {
  const front = new CommandsFront(core, faults, (topic, payload) => {
    if (aedes.closed) return;
    aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: PUBLISH_QOS, retain: false, dup: false }, ignore);
  });
  const onPublish = (packet: AedesPublishPacket, client: Client | null): void => {
    if (!client) return;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    front.handle(packet.topic, payload, (topic, body) => {
      if (client.closed) return;
      client.publish({ cmd: 'publish', topic, payload: Buffer.from(body), qos: 0, retain: false, dup: false }, ignore);
    });
  };
  aedes.on('publish', onPublish);
  return () => {
    aedes.removeListener('publish', onPublish);
    front.close();
  };
}

function ignore(): void {
  // Delivery errors (a closed connection) are the device's problem, as on AWS.
}

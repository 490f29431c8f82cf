/**
 * Attaches the simulator to an external broker (e.g. mosquitto) as an
 * ordinary MQTT client. Unlike in-process attachment, it cannot address one
 * connection: it publishes each reply on the reply topic, so every client
 * subscribed to that topic sees it, not only the requester.
 * @packageDocumentation
 */

import asyncMqtt, { type AsyncMqttClient, type IClientOptions } from 'async-mqtt';
import { JOBS_REQUEST_FILTER } from '../../protocol/topics.js';
import { MqttFront, type FrontTarget } from './mqtt-front.js';


/** Connects to `url`, subscribes to every Jobs topic and answers; resolves once subscribed. */
export async function attachExternal(url: string, options: IClientOptions, target: FrontTarget): Promise<{ client: AsyncMqttClient; detach: () => Promise<void> }> {
  const client = await asyncMqtt.connectAsync(url, { reconnectPeriod: 1000, clientId: `jobs-simulator-${Math.random().toString(16).slice(2, 10)}`, ...options }, false);
  // Nagle off at every (re)connect: a reply is written as soon as it is decided, not after the peer's delayed ACK.
  noDelay(client);
  client.on('connect', () => noDelay(client));
  const publish = (topic: string, payload: string, qos: 0 | 1): void => {
    client.publish(topic, payload, { qos }).catch(() => {
      // The broker is gone or the client was ended; nothing to answer.
    });
  };
  const front = new MqttFront(target, (topic, payload, done) => {
    // QoS 1: settles on the broker's PUBACK, which bounds what waits in mqtt.js.
    client.publish(topic, payload, { qos: 1 }).then(done, done);
  });
  client.on('message', (topic: string, payload: Buffer) => {
    front.handle(topic, payload, (replyTopic, body) => publish(replyTopic, body, 0));
  });
  try {
    await client.subscribe(JOBS_REQUEST_FILTER, { qos: 1 });
  } catch (error) {
    front.close();
    await client.end(true);
    throw error;
  }
  return {
    client,
    detach: async () => {
      front.close();
      await client.end(true);
    },
  };
}

function noDelay(client: AsyncMqttClient): void {
  const stream = (client as unknown as { _client?: { stream?: { setNoDelay?: (on: boolean) => unknown } } })._client?.stream;
  stream?.setNoDelay?.(true);
}

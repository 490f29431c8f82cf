/**
 * Serves Commands on an external broker (e.g. mosquitto) as an ordinary MQTT
 * client subscribed to every device response. Unlike in-process attachment,
 * it cannot address one connection: replies are published on their topics,
 * so a device must subscribe to them (the Commands face does). It speaks
 * MQTT 5 unless told otherwise, and sends each request with the content type
 * and the execution timeout (message expiry) as MQTT 5 properties.
 * @packageDocumentation
 */

import asyncMqtt, { type AsyncMqttClient, type IClientOptions } from 'async-mqtt';
import { COMMAND_RESPONSE_FILTER } from '../../../protocol/commands/topics.js';
import { CommandsFront, type RequestProperties } from './commands-front.js';
import type { CommandsCore } from './core.js';
import type { CommandFaults } from './faults.js';

/** Connects to `url`, subscribes to every Commands response and answers; resolves once subscribed. */
export async function attachCommandsExternal(url: string, options: IClientOptions, core: CommandsCore, faults: CommandFaults): Promise<() => Promise<void>> {
  // MQTT 5 when the broker speaks it, so that requests carry the content type and the execution
  // timeout as AWS sends them; MQTT 3.1.1 otherwise (aedes), or as `options.protocolVersion` says.
  const base: IClientOptions = { reconnectPeriod: 1000, clientId: `commands-simulator-${Math.random().toString(16).slice(2, 10)}`, ...options };
  let client: AsyncMqttClient;
  let mqtt5 = options.protocolVersion === 5;
  if (options.protocolVersion === undefined) {
    try {
      client = await asyncMqtt.connectAsync(url, { ...base, protocolVersion: 5 }, false);
      mqtt5 = true;
    } catch {
      client = await asyncMqtt.connectAsync(url, base, false);
    }
  } else {
    client = await asyncMqtt.connectAsync(url, base, false);
  }
  const publish = (topic: string, payload: Uint8Array, qos: 0 | 1, properties?: RequestProperties): void => {
    client.publish(topic, Buffer.from(payload), properties !== undefined && mqtt5 ? { qos, properties } : { qos }).catch(() => {
      // The broker is gone or the client was ended; nothing to answer.
    });
  };
  const front = new CommandsFront(core, faults, (topic, payload, properties) => publish(topic, payload, 1, properties));
  client.on('message', (topic: string, payload: Buffer) => {
    front.handle(topic, payload, (replyTopic, body) => publish(replyTopic, body, 0));
  });
  try {
    await client.subscribe(COMMAND_RESPONSE_FILTER, { qos: 1 });
  } catch (error) {
    front.close();
    await client.end(true);
    throw error;
  }
  return async () => {
    front.close();
    await client.end(true);
  };
}

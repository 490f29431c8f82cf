/**
 * Serves Commands on an external broker (e.g. mosquitto) as an ordinary MQTT
 * client subscribed to every device response. Unlike in-process attachment,
 * it cannot address one connection: replies are published on their topics,
 * so a device must subscribe to them (the Commands face does).
 * @packageDocumentation
 */

import asyncMqtt, { type IClientOptions } from 'async-mqtt';
import { COMMAND_RESPONSE_FILTER } from '../../../protocol/commands/topics.js';
import { CommandsFront } from './commands-front.js';
import type { CommandsCore } from './core.js';
import type { CommandFaults } from './faults.js';

/** Connects to `url`, subscribes to every Commands response and answers; resolves once subscribed. */
export async function attachCommandsExternal(url: string, options: IClientOptions, core: CommandsCore, faults: CommandFaults): Promise<() => Promise<void>> {
  const client = await asyncMqtt.connectAsync(url, { reconnectPeriod: 1000, clientId: `commands-simulator-${Math.random().toString(16).slice(2, 10)}`, ...options }, false);
  const publish = (topic: string, payload: Uint8Array, qos: 0 | 1): void => {
    client.publish(topic, Buffer.from(payload), { qos }).catch(() => {
      // The broker is gone or the client was ended; nothing to answer.
    });
  };
  const front = new CommandsFront(core, faults, (topic, payload) => publish(topic, payload, 1));
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

/**
 * Jest glue for the mosquitto suites: `describeWithMosquitto` runs a suite
 * against mosquitto (the CI one, or one it spawns), or skips it with a
 * message when mosquitto is absent and not required.
 * @packageDocumentation
 */

import { afterAll, beforeAll, describe } from '@jest/globals';
import asyncMqtt from 'async-mqtt';
import mqtt from 'mqtt';
import type { MqttConnection } from '../../lib/mqtt/connection.js';
import { fromMqttJs } from '../../lib/mqtt/mqtt-js-adapter.js';
import { findMosquitto, HOW_TO_RUN, MOSQUITTO_REQUIRED, MosquittoProcess, mosquittoSource, type Protocol } from './mosquitto.js';

/** What a mosquitto suite gets. */
export interface MosquittoHandle {
  /** The broker's URL (valid inside tests and hooks). */
  readonly url: string;
  /** The process, when this suite spawned its own; undefined for the CI broker. */
  readonly process: MosquittoProcess | undefined;
}

/**
 * Runs `body` against mosquitto. `ownProcess: true` always spawns a private
 * broker (for tests that stop and restart it).
 */
export function describeWithMosquitto(name: string, body: (broker: MosquittoHandle) => void, options: { ownProcess?: boolean } = {}): void {
  const source = mosquittoSource();
  const ownProcess = options.ownProcess === true;
  const canRun = ownProcess ? findMosquitto() !== undefined : source.kind !== 'none';
  if (!canRun && !MOSQUITTO_REQUIRED) {
    console.warn(`${name}: ${HOW_TO_RUN}`);
    describe.skip(name, () => body({ url: '', process: undefined }));
    return;
  }
  const handle: { url: string; process: MosquittoProcess | undefined } = { url: '', process: undefined };
  describe(name, () => {
    beforeAll(async () => {
      const binary = findMosquitto();
      if (!ownProcess && source.kind === 'url') {
        handle.url = source.url;
        return;
      }
      if (binary === undefined) throw new Error(`REQUIRE_MOSQUITTO=1 but no mosquitto binary was found. ${HOW_TO_RUN}`);
      handle.process = await MosquittoProcess.spawn(binary);
      handle.url = handle.process.url;
    });
    afterAll(async () => {
      await handle.process?.close();
    });
    body(handle);
  });
}

/** A device connection to mosquitto with a way to end it. */
export interface MosquittoDevice {
  readonly connection: MqttConnection;
  end(): Promise<void>;
}

let counter = 0;

/** Connects a device over `protocol`; `reconnectPeriod` 0 (the default) means no reconnects. */
export async function connectDevice(url: string, protocol: Protocol, options: { clientId?: string; reconnectPeriod?: number } = {}): Promise<MosquittoDevice> {
  counter += 1;
  const common = { clientId: options.clientId ?? `rel-device-${process.pid}-${counter}`, reconnectPeriod: options.reconnectPeriod ?? 0, connectTimeout: 5_000 };
  if (protocol === 'MQTT 3.1.1 (async-mqtt)') {
    const client = await asyncMqtt.connectAsync(url, { ...common, protocolVersion: 4 }, false);
    return { connection: client, end: () => client.end(true) };
  }
  const client = await mqtt.connectAsync(url, { ...common, protocolVersion: 5 });
  return { connection: fromMqttJs(client), end: () => client.endAsync(true) };
}

/**
 * The embedded MQTT broker of the standalone server: aedes (MQTT 3.1.1) on a
 * TCP port.
 * @packageDocumentation
 */

import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { formatUrl, listenOn } from './listen.js';

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
  const aedes = await Aedes.createBroker();
  // noDelay: aedes writes a reply in several small writes; with Nagle each waits
  // for the peer's delayed ACK (~40 ms on Linux loopback).
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  let bound: number;
  try {
    bound = await listenOn(server, 'mqtt', host, port);
  } catch (error) {
    await closeAedes(aedes);
    throw error;
  }
  return { aedes, url: formatUrl('mqtt', host, bound), port: bound, close: () => closeBroker(server, aedes) };
}

async function closeBroker(server: Server, aedes: Aedes): Promise<void> {
  // server.close waits for open sockets; aedes.close ends them.
  const stopped = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  await closeAedes(aedes);
  await stopped;
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => (aedes.closed ? resolve() : aedes.close(() => resolve())));
}

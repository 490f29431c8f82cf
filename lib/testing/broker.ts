/**
 * In-memory and loopback-TCP MQTT brokers (aedes) for tests, handing out
 * connected async-mqtt clients. Both close cleanly: every client they handed
 * out is ended first, so jest exits with no open handles.
 * @packageDocumentation
 */

import { connect as netConnect, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Aedes, AedesOptions } from 'aedes';
import asyncMqtt, { type AsyncMqttClient, type IClientOptions, type IMqttClient } from 'async-mqtt';
import { mqtt4 } from '../mqtt/mqtt4.js';
import { formatUrl, listenOn } from '../util/listen.js';
import { createDuplexPair } from './duplex-pair.js';
import { loadAedes } from './load-aedes.js';

/** Options of the clients a broker hands out (async-mqtt / mqtt.js 4 options). */
export type TestClientOptions = IClientOptions;

/** A broker for tests. */
export interface TestBroker {
  /** The aedes instance, for hooks (the simulator attaches here). */
  readonly aedes: Aedes;
  /** Connects a new async-mqtt client; resolves once the broker accepted it. */
  connect(options?: TestClientOptions): Promise<AsyncMqttClient>;
  /** Ends every client handed out, then closes the broker. Safe to call twice. */
  close(): Promise<void>;
}

/** A broker listening on a loopback TCP port. */
export interface TcpTestBroker extends TestBroker {
  /** `mqtt://HOST:PORT`. */
  readonly url: string;
  /** The port it listens on (useful when 0 was asked for). */
  readonly port: number;
  /** The host it listens on. */
  readonly host: string;
}

/** Options of {@link createTcpBroker}. */
export interface TcpBrokerOptions {
  /** @defaultValue `127.0.0.1` */
  host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** Passed to aedes. */
  aedes?: Partial<AedesOptions>;
}

/** Test clients do not retry a refused connect unless asked to. */
const CLIENT_DEFAULTS: IClientOptions = { reconnectPeriod: 0, connectTimeout: 5_000 };

/**
 * Starts an aedes broker reached through in-process streams: no socket, no
 * port. Each client connection costs a few milliseconds.
 * @param aedesOptions - passed to `Aedes.createBroker`.
 * @throws {@link AedesMissingError} when the optional peer dependency aedes is not installed.
 */
export async function createInMemoryBroker(aedesOptions: Partial<AedesOptions> = {}): Promise<TestBroker> {
  const aedes = await (await loadAedes()).createBroker(aedesOptions);
  const clients = new ClientRegistry();
  const streamBuilder = (): Duplex => {
    const [clientSide, brokerSide] = createDuplexPair();
    aedes.handle(brokerSide);
    return clientSide;
  };
  return {
    aedes,
    connect: (options = {}) => clients.track(new mqtt4.MqttClient(streamBuilder, { ...CLIENT_DEFAULTS, ...options })),
    close: async () => {
      await clients.endAll();
      await closeAedes(aedes);
    },
  };
}

/**
 * Starts an aedes broker on a loopback TCP port.
 * @throws {@link AedesMissingError} when the optional peer dependency aedes is not installed.
 */
export async function createTcpBroker(options: TcpBrokerOptions = {}): Promise<TcpTestBroker> {
  const host = options.host ?? '127.0.0.1';
  const aedes = await (await loadAedes()).createBroker(options.aedes ?? {});
  // noDelay: aedes writes a reply in several small writes; with Nagle each waits
  // for the peer's delayed ACK (~40 ms on Linux loopback).
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  let port: number;
  try {
    port = await listenOn(server, 'mqtt', host, options.port ?? 0);
  } catch (error) {
    await closeAedes(aedes);
    throw error;
  }
  const url = formatUrl('mqtt', host, port);
  const clients = new ClientRegistry();
  return {
    aedes,
    url,
    port,
    host,
    // The client side needs noDelay too: mqtt.js writes a PUBACK and the next
    // PUBLISH separately, and Nagle holds the second until the first is ACKed.
    connect: (clientOptions = {}) =>
      clients.track(new mqtt4.MqttClient(() => netConnect({ host, port, noDelay: true }), { ...CLIENT_DEFAULTS, ...clientOptions })),
    close: async () => {
      await clients.endAll();
      // server.close waits for every open socket, including clients this broker
      // did not hand out; closing aedes ends them.
      const stopped = closeServer(server);
      await closeAedes(aedes);
      await stopped;
    },
  };
}

/** Closes a net or http server and every connection it still holds. */
export function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => {
    if (aedes.closed) return resolve();
    aedes.close(() => resolve());
  });
}

/** Remembers the clients handed out, so that close() can end them. */
class ClientRegistry {
  private readonly clients = new Set<AsyncMqttClient>();

  /** Wraps a raw client, waits for CONNACK, and tracks it until it ends. */
  async track(raw: IMqttClient): Promise<AsyncMqttClient> {
    const client = new asyncMqtt.AsyncClient(raw);
    this.clients.add(client);
    raw.once('end', () => this.clients.delete(client));
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        raw.off('connect', onConnect);
        raw.off('error', onError);
        raw.off('close', onClose);
      };
      const onConnect = (): void => {
        cleanup();
        resolve();
      };
      const onError = (error: Error): void => {
        cleanup();
        raw.end(true);
        reject(error);
      };
      const onClose = (): void => onError(new Error('the connection closed before the broker accepted it'));
      raw.once('connect', onConnect);
      raw.once('error', onError);
      raw.once('close', onClose);
    });
    return client;
  }

  /** Ends every tracked client, forcefully: tests must not wait on lost packets. */
  async endAll(): Promise<void> {
    const all = [...this.clients];
    this.clients.clear();
    await Promise.all(all.map((client) => client.end(true)));
  }
}

/**
 * In-memory and loopback-TCP MQTT brokers (aedes) for tests, handing out
 * connected async-mqtt clients. Both close cleanly: every client they handed
 * out is ended first, so jest exits with no open handles.
 * @packageDocumentation
 */

import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Aedes, AedesOptions } from 'aedes';
import asyncMqtt, { type AsyncMqttClient, type IClientOptions, type IMqttClient } from 'async-mqtt';
import { mqtt4 } from '../mqtt/mqtt4.js';
import { formatUrl, listenOn } from '../util/listen.js';
import { AWS_IOT_MAX_PAYLOAD_BYTES, guardConnection, type ConnectionLimits, type LimitEvent } from './connection-guard.js';
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
  /** `mqtt://HOST:PORT`, or `mqtts://HOST:PORT` with TLS. */
  readonly url: string;
  /** Connections closed by each limit so far. */
  readonly limitCounts: Readonly<Record<LimitEvent['kind'], number>>;
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
  /**
   * Serve MQTT over TLS, as AWS IoT Core does on port 8883: the server's
   * certificate and key, and the CA that signs client certificates. With `ca`
   * every client must present a certificate that CA signed.
   */
  tls?: TlsListenerOptions;
  /** Largest PUBLISH payload a client may send; a larger one closes its connection (as AWS IoT Core does). @defaultValue {@link DEFAULT_BROKER_LIMITS}.maxPayloadBytes (AWS's 128 KB) */
  maxPayloadBytes?: number;
  /** Bytes queued for a client that does not read, after which it is disconnected. @defaultValue {@link DEFAULT_BROKER_LIMITS}.maxOutboundBytes */
  maxOutboundBytes?: number;
  /** Concurrent connections; more are closed at once. @defaultValue {@link DEFAULT_BROKER_LIMITS}.maxConnections */
  maxConnections?: number;
  /** Hears each connection a limit closed (for a log line). */
  onLimit?: (event: LimitEvent) => void;
}

/** TLS material of the MQTT listener (PEM contents). */
export interface TlsListenerOptions {
  /** The server certificate chain. */
  cert: string | Buffer;
  /** The server's private key. */
  key: string | Buffer;
  /** CA(s) that sign client certificates; when given, a client certificate is required. */
  ca?: string | Buffer;
}

/** The defaults of the TCP broker's limits. */
export const DEFAULT_BROKER_LIMITS = {
  /** AWS IoT Core's PUBLISH payload limit: 128 KB. */
  maxPayloadBytes: AWS_IOT_MAX_PAYLOAD_BYTES,
  /** 8 MiB queued for a client that does not read. */
  maxOutboundBytes: 8 * 1024 * 1024,
  /** Concurrent connections. */
  maxConnections: 1_000,
} as const;

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
  const limits: ConnectionLimits = {
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_BROKER_LIMITS.maxPayloadBytes,
    maxOutboundBytes: options.maxOutboundBytes ?? DEFAULT_BROKER_LIMITS.maxOutboundBytes,
  };
  const limitCounts: Record<LimitEvent['kind'], number> = { 'packet-too-large': 0, 'slow-reader': 0, 'connection-refused': 0 };
  const onLimit = (event: LimitEvent): void => {
    limitCounts[event.kind]++;
    options.onLimit?.(event);
  };
  const handle = (socket: Socket): void => {
    guardConnection(socket, limits, onLimit);
    aedes.handle(socket);
  };
  // noDelay: aedes writes a reply in several small writes; with Nagle each waits
  // for the peer's delayed ACK (~40 ms on Linux loopback).
  const tls = options.tls;
  const server: Server =
    tls === undefined
      ? createServer({ noDelay: true }, handle)
      : createTlsServer(
          { noDelay: true, cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }) },
          handle,
        );
  const maxConnections = options.maxConnections ?? DEFAULT_BROKER_LIMITS.maxConnections;
  server.maxConnections = maxConnections;
  server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) =>
    onLimit({ kind: 'connection-refused', remote: `${data?.remoteAddress ?? '?'}:${data?.remotePort ?? '?'}`, limit: maxConnections }),
  );
  // A failed TLS handshake (no or a foreign client certificate) only closes that socket.
  server.on('tlsClientError', () => undefined);
  let port: number;
  try {
    port = await listenOn(server, 'mqtt', host, options.port ?? 0);
  } catch (error) {
    await closeAedes(aedes);
    throw error;
  }
  const url = formatUrl(tls === undefined ? 'mqtt' : 'mqtts', host, port);
  const clients = new ClientRegistry();
  return {
    aedes,
    url,
    port,
    host,
    limitCounts,
    // The client side needs noDelay too: mqtt.js writes a PUBACK and the next
    // PUBLISH separately, and Nagle holds the second until the first is ACKed.
    // With TLS, the options carry the client's cert, key and ca, as for AWS IoT Core.
    connect: (clientOptions = {}) =>
      clients.track(
        tls === undefined
          ? new mqtt4.MqttClient(() => netConnect({ host, port, noDelay: true }), { ...CLIENT_DEFAULTS, ...clientOptions })
          : mqtt4.connect(url, { ...CLIENT_DEFAULTS, ...clientOptions }),
      ),
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

/**
 * Starting and stopping a node:http server for the HTTP API. Keep-alive
 * connections from several clients are served at once and all closed on
 * shutdown. Connections are capped, and a client gets a bounded time to send
 * its request headers and its whole request.
 * @packageDocumentation
 */

import { createServer, type RequestListener, type Server } from 'node:http';
import { closeServer } from '../testing/broker.js';
import { formatUrl, listenOn } from '../util/listen.js';

/** Limits of the HTTP listener. */
export interface HttpLimits {
  /** Concurrent connections; more are closed at once. @defaultValue {@link DEFAULT_HTTP_LIMITS}.maxConnections */
  maxConnections?: number;
  /** Time a client has to send its request headers, in ms (answered 408, then closed). @defaultValue {@link DEFAULT_HTTP_LIMITS}.headersTimeoutMs */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request, in ms. @defaultValue {@link DEFAULT_HTTP_LIMITS}.requestTimeoutMs */
  requestTimeoutMs?: number;
  /** Hears each connection refused because of `maxConnections`. */
  onConnectionRefused?: (remote: string) => void;
}

/** The defaults of {@link HttpLimits}. */
export const DEFAULT_HTTP_LIMITS = {
  /** Concurrent connections. */
  maxConnections: 256,
  /** 10 s to send the request headers (Node's own default is 60 s). */
  headersTimeoutMs: 10_000,
  /** 30 s to send the whole request. */
  requestTimeoutMs: 30_000,
} as const;

/** A running HTTP server. */
export interface RunningHttpServer {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  /** The node:http server. */
  readonly server: Server;
  /** Stops listening and closes every connection, idle or not. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Listens with `listener` on `host:port`.
 * @throws {@link ListenError} when the port is taken or cannot be bound.
 */
export async function startHttpServer(listener: RequestListener, host: string, port: number, limits: HttpLimits = {}): Promise<RunningHttpServer> {
  const headersTimeout = limits.headersTimeoutMs ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs;
  const requestTimeout = Math.max(limits.requestTimeoutMs ?? DEFAULT_HTTP_LIMITS.requestTimeoutMs, headersTimeout);
  const server = createServer(
    {
      keepAlive: true,
      headersTimeout,
      requestTimeout,
      // Node checks both timeouts on this interval (30 s by default, which would let a slow client stay twice as long).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections ?? DEFAULT_HTTP_LIMITS.maxConnections;
  const onDrop = limits.onConnectionRefused;
  if (onDrop !== undefined) server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) => onDrop(`${data?.remoteAddress ?? '?'}:${data?.remotePort ?? '?'}`));
  const bound = await listenOn(server, 'http', host, port);
  return {
    url: formatUrl('http', host, bound),
    port: bound,
    server,
    close: () => closeServer(server),
  };
}

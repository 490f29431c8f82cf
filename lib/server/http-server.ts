/**
 * Starting and stopping a node:http server for the HTTP API. Keep-alive
 * connections from several clients are served at once and all closed on
 * shutdown.
 * @packageDocumentation
 */

import { createServer, type RequestListener, type Server } from 'node:http';
import { closeServer } from '../testing/broker.js';
import { formatUrl, listenOn } from '../util/listen.js';

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
export async function startHttpServer(listener: RequestListener, host: string, port: number): Promise<RunningHttpServer> {
  const server = createServer({ keepAlive: true }, listener);
  const bound = await listenOn(server, 'http', host, port);
  return {
    url: formatUrl('http', host, bound),
    port: bound,
    server,
    close: () => closeServer(server),
  };
}

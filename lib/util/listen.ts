/**
 * Binding a listener with an error that says which listener and port failed,
 * so that the CLI can tell the user clearly that a port is taken.
 * @packageDocumentation
 */

import type { AddressInfo, Server } from 'node:net';
import { JobsError } from '../errors.js';

/** Which listener of the server. */
export type ListenerKind = 'mqtt' | 'http';

/** A listener could not bind its port. */
export class ListenError extends JobsError {
  /** `mqtt` or `http`. */
  readonly listener: ListenerKind;
  /** The host asked for. */
  readonly host: string;
  /** The port asked for. */
  readonly port: number;
  /** The system error code, e.g. `EADDRINUSE` or `EACCES`. */
  readonly code: string | undefined;

  /** @param listener - which one. @param host - its host. @param port - its port. @param cause - the system error. */
  constructor(listener: ListenerKind, host: string, port: number, cause: NodeJS.ErrnoException) {
    const what = `${listener === 'mqtt' ? 'MQTT' : 'HTTP'} port ${port} on ${host}`;
    const why =
      cause.code === 'EADDRINUSE'
        ? 'is already in use'
        : cause.code === 'EACCES'
          ? 'needs privileges this process lacks'
          : cause.code === 'EADDRNOTAVAIL'
            ? 'cannot be bound: the address is not on this machine'
            : `cannot be bound (${cause.message})`;
    super(`${what} ${why}`, { cause });
    this.listener = listener;
    this.host = host;
    this.port = port;
    this.code = cause.code;
  }
}

/**
 * Listens on `host:port` and resolves the bound port.
 * @throws {@link ListenError} when binding fails.
 */
export function listenOn(server: Server, listener: ListenerKind, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(new ListenError(listener, host, port, error));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** `scheme://host:port`, with brackets around an IPv6 host. */
export function formatUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

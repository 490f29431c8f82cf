/**
 * The standalone simulator server: a {@link JobsSimulator} served over MQTT
 * (an embedded aedes broker on TCP, or an external broker) and over HTTP (the
 * jobs data plane and the control plane on one port).
 * @packageDocumentation
 */

import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from '../errors.js';
import type { LimitEvent } from '../testing/connection-guard.js';
import type { AccessControl } from '../testing/simulator/access-control.js';
import { JobsSimulator, type Detach, type JobsSimulatorOptions } from '../testing/simulator/jobs-simulator.js';
import { runControlPlane } from './control-plane.js';
import { runDataPlane } from './data-plane.js';
import { createRequestListener } from './http-api.js';
import { DEFAULT_HTTP_LIMITS, startHttpServer, type RunningHttpServer } from './http-server.js';
import { createTcpBroker, type TcpTestBroker, type TlsListenerOptions } from '../testing/broker.js';

/** Options of {@link startSimulatorServer}. */
export interface SimulatorServerOptions {
  /** Host both listeners bind. @defaultValue `127.0.0.1` */
  host?: string;
  /** Port of the embedded MQTT broker; 0 picks a free one. Ignored with `attach`. @defaultValue 1883 */
  mqttPort?: number;
  /** Port of the HTTP API; 0 picks a free one. @defaultValue 8080 */
  httpPort?: number;
  /** URL of an external broker (e.g. mosquitto) to serve instead of starting the embedded one. */
  attach?: string;
  /** The simulator to serve; the server then does not close it. @defaultValue a new one built from the options below */
  simulator?: JobsSimulator;
  /** @defaultValue 'us-east-1' */
  region?: string;
  /** @defaultValue '123456789012' */
  accountId?: string;
  /** Passed to a new {@link JobsSimulator}. */
  behavior?: JobsSimulatorOptions['behavior'];
  /** Passed to a new {@link JobsSimulator}. @defaultValue false */
  autoCreateThings?: boolean;
  /**
   * Passed to a new {@link JobsSimulator}: `thing-policy` admits only things
   * presenting a client certificate attached to them (needs `tls` with `ca`).
   * @defaultValue 'open'
   */
  accessControl?: AccessControl;
  /**
   * Things to register at start, each with its client certificate (PEM)
   * attached as its principal, as CreateThing and AttachThingPrincipal do.
   * @throws Error at start for a PEM that holds no certificate.
   */
  thingCertificates?: ReadonlyArray<{ readonly thingName: string; readonly certificate: string | Buffer }>;
  /** Serve MQTT over TLS (as AWS IoT Core does on 8883); with `ca`, clients must present a certificate it signed. Ignored with `attach`. */
  tls?: TlsListenerOptions;
  /** Largest PUBLISH payload; a larger one closes the connection, as on AWS IoT Core. @defaultValue 131072 (AWS's 128 KB) */
  maxPayloadBytes?: number;
  /** Bytes queued for an MQTT client that does not read, after which it is disconnected. @defaultValue 8388608 (8 MiB) */
  maxOutboundBytes?: number;
  /** Concurrent MQTT connections; more are closed at once. @defaultValue 1000 */
  maxConnections?: number;
  /** Concurrent HTTP connections; more are closed at once. @defaultValue 256 */
  maxHttpConnections?: number;
  /** Time an HTTP client has to send its request headers, in ms. @defaultValue 10000 */
  headersTimeoutMs?: number;
  /** Host names the HTTP API answers to besides `localhost`, IP literals and `host`; `'*'` for any. @defaultValue none */
  allowedHosts?: readonly string[];
  /** Origins of browser-based tools allowed to call the HTTP API (CORS); `'*'` for any. @defaultValue none */
  allowedOrigins?: readonly string[];
  /** Hears each connection a limit closed or refused (for a log line). */
  onLimit?: (event: LimitEvent, listener: 'mqtt' | 'http') => void;
  /** Largest HTTP request body, in bytes. @defaultValue 262144 */
  maxBodyBytes?: number;
  /** Hears unexpected errors of HTTP requests (answered with 500 InternalFailureException). */
  onInternalError?: (error: unknown, req: IncomingMessage) => void;
}

/** A running simulator server. */
export interface SimulatorServer {
  /** The simulator it serves (control API, faults, events). */
  readonly simulator: JobsSimulator;
  /** `mqtt://HOST:PORT` of the embedded broker, or the `attach` URL. */
  readonly mqttUrl: string;
  /** True when serving an external broker. */
  readonly attached: boolean;
  /** `http://HOST:PORT` of the HTTP API. */
  readonly httpUrl: string;
  /** The HTTP port (useful when 0 was asked for). */
  readonly httpPort: number;
  /** The embedded broker's port; `undefined` with `attach`. */
  readonly mqttPort: number | undefined;
  /** Connections closed or refused by each limit so far (MQTT and HTTP). */
  readonly limitCounts: Readonly<Record<LimitEvent['kind'], number>>;
  /** Closes every connection and listener, and the simulator if the server made it. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the server. When anything fails to start, whatever was started is
 * closed again before the error is thrown.
 * @throws {@link ListenError} when a port is taken or cannot be bound.
 * @throws {@link InvalidArgumentError} for `accessControl: 'thing-policy'` without `tls.ca`, or with `attach`.
 * @throws Error when `attach` cannot connect to its broker.
 */
export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.accessControl === 'thing-policy' && (options.attach !== undefined || options.tls?.ca === undefined)) {
    // Without client certificates there is no identity to confine a device to (an external broker has its own ACL).
    throw new InvalidArgumentError('accessControl', "used with the embedded broker and tls.ca (client certificates) when it is 'thing-policy'", options.accessControl);
  }
  const ownSimulator = options.simulator === undefined;
  const simulator =
    options.simulator ??
    new JobsSimulator({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
      ...(options.behavior === undefined ? {} : { behavior: options.behavior }),
      ...(options.autoCreateThings === undefined ? {} : { autoCreateThings: options.autoCreateThings }),
      ...(options.accessControl === undefined ? {} : { accessControl: options.accessControl }),
    });
  const limitCounts: Record<LimitEvent['kind'], number> = { 'packet-too-large': 0, 'slow-reader': 0, 'connection-refused': 0 };
  const onLimit = (event: LimitEvent, listener: 'mqtt' | 'http'): void => {
    limitCounts[event.kind]++;
    options.onLimit?.(event, listener);
  };

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    // Last started, first closed: HTTP, then the MQTT attachment, the broker, the simulator.
    for (const close of closers.splice(0).reverse()) await close();
  };
  if (ownSimulator) closers.push(() => simulator.close());

  try {
    for (const { thingName, certificate } of options.thingCertificates ?? []) {
      simulator.createThing({ thingName });
      simulator.attachThingPrincipal({ thingName, principal: simulator.certificateArn(typeof certificate === 'string' ? certificate : certificate.toString('utf8')) });
    }
    let broker: TcpTestBroker | undefined;
    let detach: Detach;
    if (options.attach === undefined) {
      broker = await createTcpBroker({
        host,
        port: options.mqttPort ?? 1883,
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
        ...(options.maxOutboundBytes === undefined ? {} : { maxOutboundBytes: options.maxOutboundBytes }),
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
        onLimit: (event) => onLimit(event, 'mqtt'),
      });
      const running = broker;
      closers.push(() => running.close());
      detach = await simulator.attach(broker.aedes);
    } else {
      detach = await simulator.attachToBroker(options.attach);
    }
    closers.push(detach);

    const listener = createRequestListener(
      (match, request) =>
        match.route.plane === 'data'
          ? runDataPlane(simulator, match.route.operation, request)
          : runControlPlane(simulator, match.route.operation, request),
      {
        host,
        ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
        ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
      },
    );
    const maxHttpConnections = options.maxHttpConnections;
    const http: RunningHttpServer = await startHttpServer(listener, host, options.httpPort ?? 8080, {
      ...(maxHttpConnections === undefined ? {} : { maxConnections: maxHttpConnections }),
      ...(options.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: options.headersTimeoutMs }),
      onConnectionRefused: (remote) => onLimit({ kind: 'connection-refused', remote, limit: maxHttpConnections ?? DEFAULT_HTTP_LIMITS.maxConnections }, 'http'),
    });
    closers.push(() => http.close());

    let closing: Promise<void> | undefined;
    return {
      simulator,
      mqttUrl: broker?.url ?? options.attach ?? '',
      attached: broker === undefined,
      httpUrl: http.url,
      httpPort: http.port,
      mqttPort: broker?.port,
      limitCounts,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

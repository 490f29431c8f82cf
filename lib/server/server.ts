/**
 * The standalone simulator server: a {@link JobsSimulator} served over MQTT
 * (an embedded aedes broker on TCP, or an external broker) and over HTTP (the
 * jobs data plane and the control plane on one port).
 * @packageDocumentation
 */

import type { IncomingMessage } from 'node:http';
import { JobsSimulator, type Detach, type JobsSimulatorOptions } from '../testing/simulator/jobs-simulator.js';
import { runControlPlane } from './control-plane.js';
import { runDataPlane } from './data-plane.js';
import { createRequestListener } from './http-api.js';
import { withObjectApi } from './object-api.js';
import { startHttpServer, type RunningHttpServer } from './http-server.js';
import { createTcpBroker, type TcpTestBroker } from '../testing/broker.js';

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
  /** The HTTP URL devices reach the server at, used in presigned URLs of job documents. @defaultValue the HTTP listener's URL */
  publicHttpUrl?: string;
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
  /** Closes every connection and listener, and the simulator if the server made it. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the server. When anything fails to start, whatever was started is
 * closed again before the error is thrown.
 * @throws {@link ListenError} when a port is taken or cannot be bound.
 * @throws Error when `attach` cannot connect to its broker.
 */
export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const ownSimulator = options.simulator === undefined;
  const simulator =
    options.simulator ??
    new JobsSimulator({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
      ...(options.behavior === undefined ? {} : { behavior: options.behavior }),
      ...(options.autoCreateThings === undefined ? {} : { autoCreateThings: options.autoCreateThings }),
    });

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    // Last started, first closed: HTTP, then the MQTT attachment, the broker, the simulator.
    for (const close of closers.splice(0).reverse()) await close();
  };
  if (ownSimulator) closers.push(() => simulator.close());

  try {
    let broker: TcpTestBroker | undefined;
    let detach: Detach;
    if (options.attach === undefined) {
      broker = await createTcpBroker({ host, port: options.mqttPort ?? 1883 });
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
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
      },
    );
    const http: RunningHttpServer = await startHttpServer(withObjectApi(simulator, listener), host, options.httpPort ?? 8080);
    closers.push(() => http.close());
    // Presigned URLs in job documents point at this port.
    simulator.objectsBaseUrl = options.publicHttpUrl ?? http.url;

    let closing: Promise<void> | undefined;
    return {
      simulator,
      mqttUrl: broker?.url ?? options.attach ?? '',
      attached: broker === undefined,
      httpUrl: http.url,
      httpPort: http.port,
      mqttPort: broker?.port,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

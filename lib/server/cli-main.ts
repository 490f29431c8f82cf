/**
 * What `aws-iot-jobs-sim` does: parse the options, start the server, print
 * one ready line per listener, and stop cleanly on SIGINT, SIGTERM or SIGHUP
 * (or when npm, having started it, exits).
 * @packageDocumentation
 */

import { readFileSync } from 'node:fs';
import { CliUsageError, parseCliArgs, USAGE, type CliOptions } from './cli-args.js';
import { ListenError } from '../util/listen.js';
import { AedesMissingError, AEDES_RANGE } from '../testing/load-aedes.js';
import { waitForStop } from './cli-stop.js';
import { describeLimitEvent } from './limit-log.js';
import type { SimulatorServer, SimulatorServerOptions } from './server.js';

const NAME = 'aws-iot-jobs-sim';

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where the CLI writes; the process's streams by default. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs the CLI and resolves its exit code once it has stopped (after a
 * signal, or at once for `--help`, `--version` and errors).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`${NAME}: ${error.message}`);
    io.err(`Run ${NAME} --help for the options.`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    io.out(USAGE.trimEnd());
    return EXIT.ok;
  }
  if (command.kind === 'version') {
    io.out(packageVersion());
    return EXIT.ok;
  }

  const options = command.options;
  // Loaded here so that --help works even where the broker's peer dependency is missing.
  const { startSimulatorServer } = await import('./server.js');
  let server: SimulatorServer;
  try {
    server = await startSimulatorServer({
      host: options.host,
      mqttPort: options.mqttPort,
      httpPort: options.httpPort,
      ...(options.attach === undefined ? {} : { attach: options.attach }),
      region: options.region,
      accountId: options.accountId,
      autoCreateThings: options.autoCreateThings,
      ...(options.deletionDelayMs === undefined ? {} : { behavior: { deletionDelayMs: options.deletionDelayMs } }),
      ...(options.publicHttpUrl === undefined ? {} : { publicHttpUrl: options.publicHttpUrl }),
      ...securityOptions(options),
      onLimit: (event, listener) => io.err(`${NAME}: ${describeLimitEvent(event, listener)}`),
      onInternalError: (error) => io.err(`${NAME}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
  } catch (error) {
    io.err(`${NAME}: ${startFailure(error)}`);
    return EXIT.failed;
  }

  if (server.attached) io.out(`MQTT: serving the Jobs topics on the external broker ${server.mqttUrl}`);
  else io.out(`MQTT broker listening on ${server.mqttUrl}`);
  io.out(`HTTP API listening on ${server.httpUrl}`);

  const reason = await waitForStop();
  io.out(`${NAME}: ${reason === 'parent exited' ? 'the process that started it exited' : `${reason} received`}, shutting down`);
  await server.close();
  io.out(`${NAME}: stopped`);
  return EXIT.ok;
}

/** The TLS files (read here) and the security and limit options of the command line. */
function securityOptions(options: CliOptions): Partial<SimulatorServerOptions> {
  const { tls, accessControl, thingCertificates, allowedHosts, allowedOrigins, maxPayloadBytes, maxOutboundBytes, maxConnections, maxHttpConnections, headersTimeoutMs } = options;
  return {
    ...(tls === undefined
      ? {}
      : { tls: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath), ...(tls.caPath === undefined ? {} : { ca: readFileSync(tls.caPath) }) } }),
    ...(accessControl === undefined ? {} : { accessControl }),
    ...(thingCertificates === undefined
      ? {}
      : { thingCertificates: thingCertificates.map(({ thingName, certPath }) => ({ thingName, certificate: readFileSync(certPath, 'utf8') })) }),
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
    ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
    ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
    ...(maxOutboundBytes === undefined ? {} : { maxOutboundBytes }),
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(maxHttpConnections === undefined ? {} : { maxHttpConnections }),
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
  };
}

/** The message for a server that could not start. */
function startFailure(error: unknown): string {
  if (error instanceof AedesMissingError) {
    return `cannot start the embedded MQTT broker: the optional peer dependency aedes is not installed; install it with npm install --save-dev aedes@${AEDES_RANGE}, or serve an external broker with --attach mqtt://HOST:PORT`;
  }
  if (error instanceof ListenError) {
    const flag = error.listener === 'mqtt' ? '--mqtt-port' : '--http-port';
    const hint = error.code === 'EADDRINUSE' ? `; choose another with ${flag} (0 picks a free port)` : '';
    return `cannot start: ${error.message}${hint}`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `cannot start: ${text}`;
}

function packageVersion(): string {
  // lib/server/cli-main.ts and dist/server/cli-main.js both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

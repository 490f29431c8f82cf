/**
 * Command-line options of `aws-iot-jobs-sim`, parsed with node:util.
 * @packageDocumentation
 */

import { parseArgs } from 'node:util';
import { JobsError } from '../errors.js';

/** The defaults of the command line. */
export const CLI_DEFAULTS = {
  host: '127.0.0.1',
  mqttPort: 1883,
  httpPort: 8080,
  region: 'us-east-1',
  accountId: '123456789012',
} as const;

/** What the command line asks for. */
export interface CliOptions {
  /** Host both listeners bind. @defaultValue `127.0.0.1` */
  host: string;
  /** Port of the embedded MQTT broker; 0 picks a free one. @defaultValue 1883 */
  mqttPort: number;
  /** Port of the HTTP API; 0 picks a free one. @defaultValue 8080 */
  httpPort: number;
  /** `mqtt://host:port` of an external broker to serve instead of the embedded one. */
  attach?: string;
  /** Region in ARNs. @defaultValue `us-east-1` */
  region: string;
  /** Account id in ARNs. @defaultValue `123456789012` */
  accountId: string;
  /** CreateJob registers unknown target things instead of failing (AWS fails). @defaultValue false */
  autoCreateThings: boolean;
}

/** The outcome of parsing: run, print help, or print version. */
export type CliCommand = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

/** A bad command line; the message is meant for the user. */
export class CliUsageError extends JobsError {}

/** The `--help` text. */
export const USAGE = `Usage: aws-iot-jobs-sim [options]

A local AWS IoT Jobs service: an MQTT broker with the Jobs topics, and the
jobs data-plane and control-plane HTTP APIs on one port.

Options:
  --host HOST         address both listeners bind (default ${CLI_DEFAULTS.host})
  --mqtt-port PORT    MQTT broker port, 0 for a free one (default ${CLI_DEFAULTS.mqttPort})
  --http-port PORT    HTTP API port, 0 for a free one (default ${CLI_DEFAULTS.httpPort})
  --attach URL        serve the Jobs topics on an external broker (mqtt://host:port)
                      instead of starting the embedded one
  --region REGION     region shown in ARNs (default ${CLI_DEFAULTS.region})
  --account-id ID     12-digit account id shown in ARNs (default ${CLI_DEFAULTS.accountId})
  --auto-create-things
                      CreateJob registers unknown target things (AWS answers
                      ResourceNotFoundException; so does the simulator without it)
  -h, --help          print this help
  -v, --version       print the version

When ready it prints one line per listener ending in its URL
(mqtt://HOST:PORT, http://HOST:PORT). SIGINT (Ctrl-C), SIGTERM or SIGHUP stops
it; started by npx or npm run, it also stops when npm exits. The embedded
broker needs the optional peer dependency aedes; --attach does not.
`;

/**
 * Parses `argv` (without the node and script paths).
 * @throws {@link CliUsageError} for an unknown option, a bad port or URL.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        'mqtt-port': { type: 'string' },
        'http-port': { type: 'string' },
        attach: { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'auto-create-things': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const options: CliOptions = {
    host: values.host ?? CLI_DEFAULTS.host,
    mqttPort: parsePort(values['mqtt-port'], '--mqtt-port', CLI_DEFAULTS.mqttPort),
    httpPort: parsePort(values['http-port'], '--http-port', CLI_DEFAULTS.httpPort),
    region: values.region ?? CLI_DEFAULTS.region,
    accountId: values['account-id'] ?? CLI_DEFAULTS.accountId,
    autoCreateThings: values['auto-create-things'] ?? false,
  };
  if (options.host === '') throw new CliUsageError('--host must not be empty');
  if (!/^[a-z0-9-]{1,64}$/.test(options.region)) throw new CliUsageError(`--region must look like us-east-1, not ${JSON.stringify(options.region)}`);
  if (!/^\d{12}$/.test(options.accountId)) throw new CliUsageError(`--account-id must be 12 digits, not ${JSON.stringify(options.accountId)}`);
  if (values.attach !== undefined) {
    if (values['mqtt-port'] !== undefined) throw new CliUsageError('--mqtt-port and --attach exclude each other: with --attach no broker is started');
    options.attach = parseBrokerUrl(values.attach);
  }
  return { kind: 'run', options };
}

function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new CliUsageError(`${flag} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return port;
}

function parseBrokerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(`--attach must be a broker URL such as mqtt://127.0.0.1:1883, not ${JSON.stringify(value)}`);
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:'].includes(url.protocol) || url.hostname === '') {
    throw new CliUsageError(`--attach must be a broker URL such as mqtt://127.0.0.1:1883, not ${JSON.stringify(value)}`);
  }
  return value;
}

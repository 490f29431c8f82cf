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
  /** How long a deleted job stays DELETION_IN_PROGRESS, in ms (the simulator's `behavior.deletionDelayMs`); 0 when absent. */
  deletionDelayMs?: number;
  /** The HTTP URL devices reach the server at, for presigned URLs in job documents; the listener's URL when absent. */
  publicHttpUrl?: string;
  /** Serve MQTT over TLS: PEM files of the server certificate and key, and of the CA that signs client certificates. */
  tls?: CliTlsFiles;
  /** `thing-policy` admits only things presenting an attached client certificate (needs `--tls-ca`). @defaultValue `open` */
  accessControl?: 'open' | 'thing-policy';
  /** `--thing-cert THING=FILE`: things to register at start, each with a client certificate attached (AttachThingPrincipal). */
  thingCertificates?: Array<{ thingName: string; certPath: string }>;
  /** Host names the HTTP API answers to besides localhost, IP literals and `--host` (`*` for any). */
  allowedHosts?: string[];
  /** Origins of browser-based tools allowed to call the HTTP API (`*` for any). */
  allowedOrigins?: string[];
  /** Largest MQTT PUBLISH payload, in bytes. @defaultValue 131072 */
  maxPayloadBytes?: number;
  /** Bytes queued for an MQTT client that does not read before it is disconnected. @defaultValue 8388608 */
  maxOutboundBytes?: number;
  /** Concurrent MQTT connections. @defaultValue 1000 */
  maxConnections?: number;
  /** Concurrent HTTP connections. @defaultValue 256 */
  maxHttpConnections?: number;
  /** Time an HTTP client has to send its request headers, in ms. @defaultValue 10000 */
  headersTimeoutMs?: number;
}

/** The TLS files of the MQTT listener. */
export interface CliTlsFiles {
  /** `--tls-cert`: the server certificate (PEM). */
  certPath: string;
  /** `--tls-key`: the server's private key (PEM). */
  keyPath: string;
  /** `--tls-ca`: the CA that signs client certificates (PEM); with it a client certificate is required. */
  caPath?: string;
}

/** The outcome of parsing: run, print help, or print version. */
export type CliCommand = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

/** A bad command line; the message is meant for the user. */
export class CliUsageError extends JobsError {}

/** The `--help` text. */
export const USAGE = `Usage: aws-iot-jobs-sim [options]

A local AWS IoT Jobs (and Commands) service: an MQTT broker with the Jobs and
Commands topics, and the jobs data-plane and control-plane HTTP APIs on one port.

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
  --deletion-delay-ms MS
                      how long a deleted job stays DELETION_IN_PROGRESS before it
                      disappears (default 0)
  --public-http-url URL
                      the HTTP URL devices reach this server at, used in the
                      presigned URLs of job documents (default: the listener's
                      URL; set it with --host 0.0.0.0, e.g. http://192.168.1.5:8080)

Security (see the README's threat model):
  --tls-cert FILE     serve MQTT over TLS with this server certificate (PEM),
  --tls-key FILE      and this key, as AWS IoT Core does on port 8883
  --tls-ca FILE       require client certificates signed by this CA
  --access-control MODE
                      open (default) or thing-policy: only things presenting a
                      client certificate attached to them may connect, and only
                      to their own Jobs topics (needs --tls-ca)
  --thing-cert THING=FILE
                      register THING at start with this client certificate
                      (PEM) attached, as AttachThingPrincipal does (repeatable)
  --allow-host NAME   a host name the HTTP API answers to besides localhost and
                      IP literals (repeatable; * for any)
  --allow-origin ORIGIN
                      a browser origin allowed to call the HTTP API, e.g.
                      http://localhost:3000 (repeatable; * for any; default none)
  --max-payload-bytes N     largest MQTT payload (default 131072, AWS's 128 KB)
  --max-outbound-bytes N    bytes queued for a client that does not read before
                            it is disconnected (default 8388608)
  --max-connections N       concurrent MQTT connections (default 1000)
  --max-http-connections N  concurrent HTTP connections (default 256)
  --headers-timeout-ms N    time an HTTP client has for its headers (default 10000)
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
        'deletion-delay-ms': { type: 'string' },
        'public-http-url': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'access-control': { type: 'string' },
        'thing-cert': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'allow-origin': { type: 'string', multiple: true },
        'max-payload-bytes': { type: 'string' },
        'max-outbound-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-http-connections': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
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
  if (values['deletion-delay-ms'] !== undefined) options.deletionDelayMs = parseDelay(values['deletion-delay-ms']);
  if (values['public-http-url'] !== undefined) options.publicHttpUrl = parseHttpUrl(values['public-http-url']);
  if (values.attach !== undefined) {
    if (values['mqtt-port'] !== undefined) throw new CliUsageError('--mqtt-port and --attach exclude each other: with --attach no broker is started');
    options.attach = parseBrokerUrl(values.attach);
  }
  parseSecurity(values, options);
  return { kind: 'run', options };
}

/** The security and limit flags, as parsed by node:util. */
interface SecurityValues {
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-ca'?: string | undefined;
  'access-control'?: string | undefined;
  'thing-cert'?: string[] | undefined;
  'allow-host'?: string[] | undefined;
  'allow-origin'?: string[] | undefined;
  'max-payload-bytes'?: string | undefined;
  'max-outbound-bytes'?: string | undefined;
  'max-connections'?: string | undefined;
  'max-http-connections'?: string | undefined;
  'headers-timeout-ms'?: string | undefined;
}

function parseSecurity(values: SecurityValues, options: CliOptions): void {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  const ca = values['tls-ca'];
  if ((cert === undefined) !== (key === undefined)) throw new CliUsageError('--tls-cert and --tls-key go together');
  if (cert !== undefined && key !== undefined) {
    if (options.attach !== undefined) throw new CliUsageError('--tls-cert and --attach exclude each other: with --attach no broker is started');
    options.tls = { certPath: cert, keyPath: key, ...(ca === undefined ? {} : { caPath: ca }) };
  } else if (ca !== undefined) {
    throw new CliUsageError('--tls-ca needs --tls-cert and --tls-key');
  }
  const mode = values['access-control'];
  if (mode !== undefined) {
    if (mode !== 'open' && mode !== 'thing-policy') throw new CliUsageError(`--access-control must be open or thing-policy, not ${JSON.stringify(mode)}`);
    if (mode === 'thing-policy' && options.tls?.caPath === undefined) {
      throw new CliUsageError('--access-control thing-policy needs client certificates: give --tls-cert, --tls-key and --tls-ca');
    }
    options.accessControl = mode;
  }
  const thingCerts = values['thing-cert'];
  if (thingCerts !== undefined) {
    options.thingCertificates = thingCerts.map((value) => {
      const match = /^([a-zA-Z0-9:_-]{1,128})=(.+)$/.exec(value);
      if (match === null) throw new CliUsageError(`--thing-cert must be THING=FILE, e.g. dev1=certs/dev1.pem.crt, not ${JSON.stringify(value)}`);
      return { thingName: match[1]!, certPath: match[2]! };
    });
  }
  if (values['allow-host'] !== undefined) options.allowedHosts = values['allow-host'];
  if (values['allow-origin'] !== undefined) options.allowedOrigins = values['allow-origin'];
  const sizes = [
    ['max-payload-bytes', 'maxPayloadBytes'],
    ['max-outbound-bytes', 'maxOutboundBytes'],
    ['max-connections', 'maxConnections'],
    ['max-http-connections', 'maxHttpConnections'],
    ['headers-timeout-ms', 'headersTimeoutMs'],
  ] as const;
  for (const [flag, field] of sizes) {
    const value = values[flag];
    if (value !== undefined) options[field] = parsePositive(value, `--${flag}`);
  }
}

function parsePositive(value: string, flag: string): number {
  const number = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1)) throw new CliUsageError(`${flag} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return number;
}

function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new CliUsageError(`${flag} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return port;
}

/** The longest delay one timer takes (setTimeout's 32-bit limit), about 24.8 days. */
const MAX_DELAY_MS = 2_147_483_647;

function parseDelay(value: string): number {
  const ms = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 0 && ms <= MAX_DELAY_MS)) throw new CliUsageError(`--deletion-delay-ms must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, not ${JSON.stringify(value)}`);
  return ms;
}

function parseHttpUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.hostname === '' || url.search !== '' || url.hash !== '') {
    throw new CliUsageError(`--public-http-url must be an http(s) URL such as http://192.168.1.5:8080, not ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, '');
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

/**
 * `connect()`: an async-mqtt client ready for AWS IoT Core (X.509 client
 * certificate, key, CA, and ALPN `x-amzn-mqtt-ca` for MQTT over port 443).
 * @packageDocumentation
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import asyncMqtt, { type AsyncMqttClient, type IClientOptions } from 'async-mqtt';
import { ConnectionClosedError, InvalidArgumentError } from '../errors.js';
import { describeConnectFailure, MQTT_URL_SCHEMES, urlAddress } from './connect-failure.js';
import { disableNagle, mqtt4 } from './mqtt4.js';

/** The ALPN protocol AWS IoT Core expects for MQTT with a client certificate on port 443. */
export const AWS_IOT_MQTT_ALPN = 'x-amzn-mqtt-ca';

/** Options of {@link connect}. Paths are read when connecting; the PEM contents may be given instead. */
export interface ConnectOptions {
  /** MQTT client id; AWS IoT policies often require it to equal the thing name. @defaultValue `aws-iot-jobs-` and 12 random hex digits */
  clientId?: string;
  /** Path of the device certificate (PEM). */
  certPath?: string;
  /** Path of the device private key (PEM). */
  keyPath?: string;
  /** Path of the CA bundle (PEM), e.g. AmazonRootCA1.pem. @defaultValue Node's bundled CAs, which include Amazon's */
  caPath?: string;
  /** Device certificate contents (instead of `certPath`). */
  cert?: string | Buffer;
  /** Private key contents (instead of `keyPath`). */
  key?: string | Buffer;
  /** CA contents (instead of `caPath`). */
  ca?: string | Buffer;
  /** Offer ALPN `x-amzn-mqtt-ca`, which AWS IoT Core needs for MQTT over TLS on port 443. @defaultValue true when the URL's port is 443 */
  alpn?: boolean;
  /** MQTT keep-alive; AWS IoT Core accepts 30 to 1200. @defaultValue 60 */
  keepaliveSeconds?: number;
  /** Delay between reconnect attempts; 0 disables automatic reconnects. @defaultValue 1000 */
  reconnectPeriodMs?: number;
  /** How long the first connection may take, up to the broker's CONNACK. @defaultValue 30000 */
  connectTimeoutMs?: number;
  /** Clean session: false asks the broker to keep the session (and its subscriptions) across reconnects. @defaultValue true */
  clean?: boolean;
  /** Any other mqtt.js (4.x) option, applied last. */
  mqtt?: IClientOptions;
}

const URL_RULE = `an MQTT URL (${MQTT_URL_SCHEMES.map((scheme) => `${scheme}://`).join(', ')}) such as mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883`;

/** Parses an MQTT broker URL. @throws {@link InvalidArgumentError} for anything else. */
function parseMqttUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError('url', URL_RULE, url);
  }
  if (!MQTT_URL_SCHEMES.includes(parsed.protocol.slice(0, -1)) || parsed.hostname === '') throw new InvalidArgumentError('url', URL_RULE, url);
  return parsed;
}

/**
 * Builds the mqtt.js options of {@link connect}: reads the certificate, key
 * and CA files, and adds ALPN for port 443.
 * @throws {@link InvalidArgumentError} for a URL that does not parse or is not MQTT (`mqtt`, `mqtts`, `tcp`, `ssl`, `ws`, `wss`).
 */
export async function connectOptions(url: string, options: ConnectOptions = {}): Promise<IClientOptions> {
  const port = parseMqttUrl(url).port;
  const [cert, key, ca] = await Promise.all([
    options.cert ?? readIfGiven(options.certPath),
    options.key ?? readIfGiven(options.keyPath),
    options.ca ?? readIfGiven(options.caPath),
  ]);
  const mqttOptions: IClientOptions = {
    clientId: options.clientId ?? `aws-iot-jobs-${randomBytes(6).toString('hex')}`,
    keepalive: options.keepaliveSeconds ?? 60,
    reconnectPeriod: options.reconnectPeriodMs ?? 1_000,
    connectTimeout: options.connectTimeoutMs ?? 30_000,
    clean: options.clean ?? true,
    protocolVersion: 4,
    // The Jobs client renews its own subscriptions after a reconnect, a thing at a time; mqtt.js's
    // re-subscribe sends every filter in one SUBSCRIBE, which AWS IoT Core refuses past 8 filters.
    resubscribe: false,
  };
  if (cert !== undefined) mqttOptions.cert = cert;
  if (key !== undefined) mqttOptions.key = key;
  if (ca !== undefined) mqttOptions.ca = ca;
  if (options.alpn ?? port === '443') mqttOptions.ALPNProtocols = [AWS_IOT_MQTT_ALPN];
  return { ...mqttOptions, ...options.mqtt };
}

/**
 * Connects an async-mqtt client and resolves once the broker accepted it.
 * A refused or failed first connection rejects (it is not retried) and the
 * client is ended; later drops reconnect every `reconnectPeriodMs`.
 * @param url - e.g. `mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883` (or `:443`).
 * @throws {@link ConnectionClosedError} when the first connection fails; the
 * message says why (refused, host not found, TLS, the broker's CONNACK
 * refusal, no CONNACK within `connectTimeoutMs`) and `cause` holds the error.
 * @throws {@link InvalidArgumentError} for a URL that does not parse or is not MQTT (`mqtt`, `mqtts`, `tcp`, `ssl`, `ws`, `wss`).
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<AsyncMqttClient> {
  const address = urlAddress(parseMqttUrl(url));
  const mqttOptions = await connectOptions(url, options);
  const timeoutMs = mqttOptions.connectTimeout ?? 30_000;
  // mqtt.js's own connect timeout only closes the socket; ours fires first and says so.
  const raw = mqtt4.connect(url, { ...mqttOptions, connectTimeout: timeoutMs + 1_000 });
  disableNagle(raw);
  const client = new asyncMqtt.AsyncClient(raw);
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onConnect = (): void => {
      cleanup();
      resolve();
    };
    const fail = (reason: string, cause: unknown): void => {
      cleanup();
      void client.end(true);
      const error = new ConnectionClosedError(`connect to ${url}`, { cause });
      error.message = `connect to ${url} failed: ${reason}`;
      reject(error);
    };
    const onError = (error: Error): void => fail(describeConnectFailure(error, address), error);
    const onClose = (): void => fail(describeConnectFailure(undefined, address), new Error('the connection closed before the broker accepted it'));
    const timer = setTimeout(() => fail(`no CONNACK from ${address} within ${timeoutMs} ms (connectTimeoutMs)`, new Error('connect timed out')), timeoutMs);
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
  return client;
}

async function readIfGiven(path: string | undefined): Promise<Buffer | undefined> {
  return path === undefined ? undefined : readFile(path);
}

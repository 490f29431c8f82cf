/**
 * Words for why a first MQTT connection failed, for the message of the error
 * `connect()` rejects with (the original error stays its `cause`).
 * @packageDocumentation
 */

/** The URL schemes mqtt.js 4 connects with: MQTT over TCP, TLS and WebSocket. */
export const MQTT_URL_SCHEMES: readonly string[] = ['mqtt', 'mqtts', 'tcp', 'ssl', 'ws', 'wss'];

/** CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3). */
const CONNACK_REASONS: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** Codes Node and OpenSSL give certificate and handshake failures. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/**
 * Says in a few words why a connection failed: refused, host not found, TLS,
 * the broker's CONNACK refusal, or the error's own message.
 * @param error - what mqtt.js emitted (or undefined for a plain close).
 * @param address - `host:port`, named in the message.
 */
export function describeConnectFailure(error: unknown, address: string): string {
  // Not `instanceof Error`: errors from Node's sockets may come from another realm (jest's vm contexts).
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') {
    return `the connection to ${address} closed before the broker accepted it`;
  }
  const { code, message } = error as { code?: unknown; message: string };
  if (typeof code === 'number') return `the broker refused the connection: ${CONNACK_REASONS[code] ?? message} (CONNACK return code ${code})`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${address} (ECONNREFUSED): no broker listens there`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code}): ${address}`;
    case 'ETIMEDOUT':
      return `the TCP connection to ${address} timed out (ETIMEDOUT)`;
    case 'ECONNRESET':
      return `the connection to ${address} was reset (ECONNRESET) before the broker accepted it`;
    default:
      if (typeof code === 'string' && TLS_CODE.test(code)) return `TLS handshake with ${address} failed (${code}): ${message}`;
      return typeof code === 'string' ? `${message} (${code})` : message;
  }
}

/** The `host:port` of a URL, with the scheme's default port when none is given. */
export function urlAddress(url: URL): string {
  const defaults: Record<string, string> = { 'mqtt:': '1883', 'tcp:': '1883', 'mqtts:': '8883', 'ssl:': '8883', 'ws:': '80', 'wss:': '443' };
  return `${url.hostname}:${url.port === '' ? (defaults[url.protocol] ?? '?') : url.port}`;
}

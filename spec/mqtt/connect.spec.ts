import { readFileSync } from 'node:fs';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createServer as createNetServer, Socket } from 'node:net';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Aedes } from 'aedes';
import type { AsyncMqttClient } from 'async-mqtt';
import type { MqttConnection } from '../../lib/mqtt/connection.js';
import { connect } from '../../lib/mqtt/connect.js';
import { fromMqttJs } from '../../lib/mqtt/mqtt-js-adapter.js';
import { AWS_IOT_MQTT_ALPN, connectOptions } from '../../lib/mqtt/connect.js';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { ConnectionClosedError, InvalidArgumentError } from '../../lib/errors.js';
import { listenOn } from '../../lib/util/listen.js';
import { describeConnectFailure } from '../../lib/mqtt/connect-failure.js';
import { closeServer, createTcpBroker, type TcpTestBroker } from '../../lib/testing/broker.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';

const tls = (name: string): string => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

describe('connect()', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  test('connects an async-mqtt client that the Jobs client uses as is', async () => {
    const broker: TcpTestBroker = await createTcpBroker();
    cleanups.push(() => broker.close());
    const sim = new JobsSimulator();
    await sim.attach(broker.aedes);
    cleanups.push(() => sim.close());
    const client: AsyncMqttClient = await connect(broker.url, { clientId: 'thing-1', reconnectPeriodMs: 0 });
    cleanups.push(() => client.end(true));
    const connection: MqttConnection = client;
    const jobs = new JobsClient(connection);
    cleanups.push(() => jobs.close());
    sim.createThing({ thingName: 'thing-1' });
    sim.createJob({ jobId: 'job-1', targets: ['thing-1'], document: '{"op":"x"}' });
    await expect(jobs.startNextPendingJobExecution('thing-1')).resolves.toMatchObject({ execution: { jobId: 'job-1', jobDocument: { op: 'x' } } });
  });

  test("turns Nagle's algorithm off on the device's socket (a PUBACK and the next PUBLISH must not wait for a delayed ACK)", async () => {
    const broker: TcpTestBroker = await createTcpBroker();
    cleanups.push(() => broker.close());
    const setNoDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    cleanups.push(() => Promise.resolve(setNoDelay.mockRestore()));
    const client = await connect(broker.url, { reconnectPeriodMs: 0 });
    cleanups.push(() => client.end(true));
    const onDeviceSocket = setNoDelay.mock.contexts.some((socket) => (socket as Socket).remotePort === broker.port);
    const calls = setNoDelay.mock.calls.filter((_args, i) => (setNoDelay.mock.contexts[i] as Socket).remotePort === broker.port);
    expect(onDeviceSocket).toBe(true);
    expect(calls.at(-1)).toEqual([true]);
  });

  test('AWS IoT Core style: client certificate, key and CA from files, and ALPN x-amzn-mqtt-ca', async () => {
    const aedes = await Aedes.createBroker();
    const seen: Array<{ alpn: string | false | null; authorized: boolean; subject: string }> = [];
    const server = createTlsServer(
      {
        key: readFileSync(tls('server.key')),
        cert: readFileSync(tls('server.pem')),
        ca: readFileSync(tls('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: [AWS_IOT_MQTT_ALPN],
      },
      (socket: TLSSocket) => {
        seen.push({ alpn: socket.alpnProtocol, authorized: socket.authorized, subject: String(socket.getPeerCertificate().subject?.CN) });
        aedes.handle(socket);
      },
    );
    const port = await listenOn(server, 'mqtt', '127.0.0.1', 0);
    cleanups.push(() => new Promise<void>((resolve) => aedes.close(() => resolve())));
    cleanups.push(() => closeServer(server));
    const client = await connect(`mqtts://localhost:${port}`, {
      certPath: tls('device.pem'),
      keyPath: tls('device.key'),
      caPath: tls('ca.pem'),
      alpn: true,
      reconnectPeriodMs: 0,
    });
    cleanups.push(() => client.end(true));
    expect(client.connected).toBe(true);
    expect(seen).toEqual([{ alpn: AWS_IOT_MQTT_ALPN, authorized: true, subject: 'thing-1' }]);
  });

  test('a refused first connection rejects with ConnectionClosedError and is not retried', async () => {
    const broker = await createTcpBroker({ aedes: { authenticate: (_client, _user, _password, done) => done(null, false) } });
    cleanups.push(() => broker.close());
    const error = await connect(broker.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`connect to ${broker.url} failed: the broker refused the connection: not authorized (CONNACK return code 5)`);
    await expect(connect('not a url')).rejects.toThrow(InvalidArgumentError);
  });

  describe('a failed connect says why in its message', () => {
    test('nothing listens: connection refused (ECONNREFUSED), naming the address', async () => {
      const probe = createNetServer();
      const port = await listenOn(probe, 'mqtt', '127.0.0.1', 0);
      await closeServer(probe);
      const error = await connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriodMs: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toBe(`connect to mqtt://127.0.0.1:${port} failed: connection refused by 127.0.0.1:${port} (ECONNREFUSED): no broker listens there`);
      expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    });

    test('a server certificate the client does not trust: TLS handshake failed, with the code', async () => {
      const server = createTlsServer({ key: readFileSync(tls('server.key')), cert: readFileSync(tls('server.pem')) }, (socket) => socket.destroy());
      server.on('tlsClientError', () => {
        // the client gives up on our certificate: expected
      });
      const port = await listenOn(server, 'mqtt', '127.0.0.1', 0);
      cleanups.push(() => closeServer(server));
      const error = await connect(`mqtts://localhost:${port}`, { reconnectPeriodMs: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toMatch(new RegExp(`^connect to mqtts://localhost:${port} failed: TLS handshake with localhost:${port} failed \\([A-Z_]+\\): `));
    });

    test('a server that never sends CONNACK: no CONNACK within connectTimeoutMs', async () => {
      const sockets = new Set<Socket>();
      const server = createNetServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
      });
      const port = await listenOn(server, 'mqtt', '127.0.0.1', 0);
      cleanups.push(() => {
        for (const socket of sockets) socket.destroy();
        return closeServer(server);
      });
      const error = await connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriodMs: 0, connectTimeoutMs: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toBe(`connect to mqtt://127.0.0.1:${port} failed: no CONNACK from 127.0.0.1:${port} within 50 ms (connectTimeoutMs)`);
    });

    test('host not found and other codes (the words for errors a loopback test cannot provoke)', () => {
      const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
      expect(describeConnectFailure(notFound, 'nowhere.invalid:8883')).toBe('host not found (ENOTFOUND): nowhere.invalid:8883');
      const expired = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
      expect(describeConnectFailure(expired, 'h:8883')).toBe('TLS handshake with h:8883 failed (CERT_HAS_EXPIRED): certificate has expired');
      expect(describeConnectFailure(undefined, 'h:1883')).toBe('the connection to h:1883 closed before the broker accepted it');
    });
  });

  test.each(['http://127.0.0.1:1883', 'https://example.com', 'file:///tmp/x', 'mqtt://', 'redis://127.0.0.1:6379'])(
    'a URL that is not MQTT (%s) is refused with InvalidArgumentError before anything connects',
    async (url) => {
      const error = await connect(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe('url');
      expect((error as Error).message).toContain('mqtt://, mqtts://, tcp://, ssl://, ws://, wss://');
      await expect(connectOptions(url)).rejects.toThrow(InvalidArgumentError);
    },
  );

  test('options: ALPN by default on port 443 only, AWS-friendly defaults, PEM contents accepted, raw mqtt options last', async () => {
    const on443 = await connectOptions('mqtts://prefix-ats.iot.eu-west-1.amazonaws.com:443', { cert: 'CERT', key: 'KEY' });
    expect(on443).toMatchObject({ ALPNProtocols: ['x-amzn-mqtt-ca'], cert: 'CERT', key: 'KEY', keepalive: 60, clean: true, protocolVersion: 4, resubscribe: false });
    expect(on443.clientId).toMatch(/^aws-iot-jobs-[0-9a-f]{12}$/);
    const on8883 = await connectOptions('mqtts://prefix-ats.iot.eu-west-1.amazonaws.com:8883', { clientId: 'thing-1', mqtt: { keepalive: 300 } });
    expect(on8883).not.toHaveProperty('ALPNProtocols');
    expect(on8883).toMatchObject({ clientId: 'thing-1', keepalive: 300 });
    expect(on8883).not.toHaveProperty('ca');
    const files = await connectOptions('mqtts://example.com:8883', { caPath: tls('ca.pem'), alpn: false });
    expect(files.ca).toEqual(readFileSync(tls('ca.pem')));
    await expect(connectOptions('mqtts://example.com', { certPath: tls('missing.pem') })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('fromMqttJs()', () => {
  test('turns an mqtt.js v5 SUBACK failure back into grants of 128, and passes other errors on', async () => {
    const packetError = Object.assign(new Error('Subscribe error: Unspecified error'), { packet: { granted: [1, 128] } });
    const fake = {
      connected: true,
      publishAsync: () => Promise.resolve(undefined),
      subscribeAsync: (topics: string[]) => (topics.length === 2 ? Promise.reject(packetError) : Promise.reject(new Error('client disconnecting'))),
      unsubscribeAsync: () => Promise.resolve(undefined),
      on: () => undefined,
      off: () => undefined,
    };
    const connection = fromMqttJs(fake);
    await expect(connection.subscribe(['a', 'b'], { qos: 1 })).resolves.toEqual([
      { topic: 'a', qos: 1 },
      { topic: 'b', qos: 128 },
    ]);
    await expect(connection.subscribe('a', { qos: 1 })).rejects.toThrow('client disconnecting');
    expect(connection.connected).toBe(true);
    expect(fromMqttJs(fake)).toBe(connection); // one adapter per client, so JobsClient.for finds its client again
  });
});

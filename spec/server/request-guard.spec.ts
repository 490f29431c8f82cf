/**
 * No cross-origin writes: a web page open in the developer's browser (a
 * cross-origin POST, or DNS rebinding) cannot change the simulator's state,
 * while the AWS SDKs, curl and configured browser tools still can.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { connect } from 'node:net';
import { DEFAULT_HTTP_LIMITS, startHttpServer } from '../../lib/server/http-server.js';
import { hostName } from '../../lib/server/request-guard.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { call, signedFor } from './http-helper.js';

let server: SimulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startSimulatorServer>[0] = {}): Promise<SimulatorServer> {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, ...options });
  server.simulator.createThing({ thingName: 'dev' });
  server.simulator.createJob({ jobId: 'csrf', targets: ['dev'], document: '{"op":"x"}' });
  return server;
}

/** Sends raw HTTP/1.1 bytes and resolves the status code of the answer. */
function rawStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

function statusOfCsrf(): string {
  return server!.simulator.describeJobExecution({ jobId: 'csrf', thingName: 'dev' }).execution.status;
}

describe('the probe: POST text/plain from evil.example', () => {
  test('is refused with an AWS-shaped 403 and the execution is unchanged', async () => {
    const { httpPort } = await start();
    const answer = await call(httpPort, {
      method: 'POST',
      path: '/things/dev/jobs/csrf',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example', host: `evil.example:${httpPort}` },
      body: '{"status":"SUCCEEDED"}',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(answer.json).toEqual({ message: expect.stringContaining('evil.example') });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(statusOfCsrf()).toBe('QUEUED');
  });
});

describe('Host: DNS rebinding reaches the server under a foreign name', () => {
  test.each([
    ['GET', '/things/dev/jobs', undefined],
    ['PUT', '/things/dev/jobs/$next', '{}'],
    ['POST', '/things/dev/jobs/csrf', '{"status":"SUCCEEDED"}'],
    ['DELETE', '/jobs/csrf?force=true', undefined],
  ])('%s %s with Host evil.example is refused (403) and changes nothing', async (method, path, body) => {
    const { httpPort } = await start();
    const answer = await call(httpPort, { method, path, headers: { host: `evil.example:${httpPort}` }, ...(body === undefined ? {} : { body }) });
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(statusOfCsrf()).toBe('QUEUED');
    expect(server!.simulator.describeJob({ jobId: 'csrf' }).job.status).toBe('IN_PROGRESS');
  });

  test('localhost, IP literals and the bound host are served; allowedHosts adds names', async () => {
    const { httpPort } = await start({ allowedHosts: ['sim.test'] });
    for (const host of [`localhost:${httpPort}`, `127.0.0.1:${httpPort}`, `[::1]:${httpPort}`, 'LOCALHOST', `sim.test:${httpPort}`]) {
      const answer = await call(httpPort, { path: '/things/dev/jobs', headers: { host } });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
    expect((await call(httpPort, { path: '/things/dev/jobs', headers: { host: 'other.test' } })).status).toBe(403);
  });

  test("allowedHosts ['*'] turns the check off", async () => {
    const { httpPort } = await start({ allowedHosts: ['*'] });
    expect((await call(httpPort, { path: '/things/dev/jobs', headers: { host: 'anything.test' } })).status).toBe(200);
  });

  test('hostName reads names, IPv4 and bracketed IPv6, with or without a port', () => {
    expect(hostName('Evil.Example:8080')).toBe('evil.example');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('[::1]')).toBe('::1');
  });
});

describe('Origin: cross-origin browser requests', () => {
  test('any Origin is refused by default, on reads too (403), and gets no CORS header', async () => {
    const { httpPort } = await start();
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${httpPort}`]) {
      const answer = await call(httpPort, { path: '/things/dev/jobs', headers: { origin } });
      expect({ origin, status: answer.status, cors: answer.headers['access-control-allow-origin'] }).toEqual({ origin, status: 403, cors: undefined });
    }
  });

  test('an allowed origin is served with CORS headers, and its preflight is answered', async () => {
    const { httpPort } = await start({ allowedOrigins: ['http://tool.test:3000'] });
    const preflight = await call(httpPort, {
      method: 'OPTIONS',
      path: '/things/dev/jobs/csrf',
      headers: { origin: 'http://tool.test:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://tool.test:3000');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');

    const update = await call(httpPort, { method: 'POST', path: '/things/dev/jobs/csrf', headers: { origin: 'http://tool.test:3000' }, body: '{"status":"SUCCEEDED"}' });
    expect(update.status).toBe(200);
    expect(update.headers['access-control-allow-origin']).toBe('http://tool.test:3000');
    expect(statusOfCsrf()).toBe('SUCCEEDED');
    expect((await call(httpPort, { path: '/things/dev/jobs', headers: { origin: 'http://other.test' } })).status).toBe(403);
  });
});

describe('Content-Type: a state-changing request body must be JSON', () => {
  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('%s is refused with 415 and changes nothing', async (type) => {
    const { httpPort } = await start();
    const answer = await call(httpPort, { method: 'POST', path: '/things/dev/jobs/csrf', headers: { 'content-type': type }, body: '{"status":"SUCCEEDED"}' });
    expect(answer.status).toBe(415);
    expect(answer.headers['x-amzn-errortype']).toBe('UnsupportedMediaTypeException');
    expect(statusOfCsrf()).toBe('QUEUED');
  });

  test('a body without Content-Type is refused; no body needs none (DeleteJob, as the SDKs send it); JSON with a charset is fine', async () => {
    const { httpPort } = await start();
    const untyped = await rawStatus(
      httpPort,
      'POST /things/dev/jobs/csrf HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 22\r\nConnection: close\r\n\r\n{"status":"SUCCEEDED"}',
    );
    expect(untyped).toBe(415);
    expect(statusOfCsrf()).toBe('QUEUED');
    const charset = await call(httpPort, { method: 'POST', path: '/things/dev/jobs/csrf', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"status":"IN_PROGRESS"}' });
    expect(charset.status).toBe(200);
    const removed = await call(httpPort, { method: 'DELETE', path: '/jobs/csrf?force=true', headers: signedFor('iot') });
    expect(removed.status).toBe(200);
  });
});

describe('HTTP connection limits', () => {
  test('defaults: 256 connections, 10 s for the headers, 30 s for the whole request', async () => {
    const running = await startHttpServer((_req, res) => res.end(), '127.0.0.1', 0);
    try {
      expect(DEFAULT_HTTP_LIMITS).toEqual({ maxConnections: 256, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
      expect(running.server.maxConnections).toBe(256);
      expect(running.server.headersTimeout).toBe(10_000);
      expect(running.server.requestTimeout).toBe(30_000);
    } finally {
      await running.close();
    }
  });
});

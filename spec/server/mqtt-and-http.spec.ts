/** One store behind both transports: a job created over HTTP is seen over MQTT, and the reverse. */
import { afterEach, describe, expect, test } from '@jest/globals';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import { createTcpBroker, type TcpTestBroker } from '../../lib/testing/broker.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { call, signedFor } from './http-helper.js';

const CONTROL = signedFor('execute-api');
const DATA = signedFor('iot-jobs-data');

let server: SimulatorServer | undefined;
let external: TcpTestBroker | undefined;
const devices: AsyncMqttClient[] = [];
afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.end(true)));
  await server?.close();
  await external?.close();
  server = undefined;
  external = undefined;
});

async function device(url: string): Promise<AsyncMqttClient> {
  const client = await asyncMqtt.connectAsync(url, { reconnectPeriod: 0, clientId: `device-${devices.length}` }, false);
  devices.push(client);
  return client;
}

/** Resolves with the next message on `topic`, parsed. */
function next(client: AsyncMqttClient, topic: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (received: string, payload: Buffer): void => {
      if (received !== topic) return;
      client.off('message', onMessage);
      resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
    };
    client.on('message', onMessage);
  });
}

describe('HTTP and MQTT share one simulator', () => {
  test('embedded broker: a job created over HTTP reaches the device over MQTT; its MQTT start shows over HTTP', async () => {
    server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
    expect(server.mqttUrl).toBe(`mqtt://127.0.0.1:${server.mqttPort}`);
    expect(server.attached).toBe(false);
    const http = server.httpPort;
    const dev = await device(server.mqttUrl);
    await dev.subscribe(['$aws/things/dev1/jobs/notify-next', '$aws/things/dev1/jobs/start-next/accepted'], { qos: 1 });

    await call(http, { method: 'POST', path: '/things/dev1', headers: CONTROL });
    const notified = next(dev, '$aws/things/dev1/jobs/notify-next');
    await call(http, { method: 'PUT', path: '/jobs/j1', headers: CONTROL, body: JSON.stringify({ targets: ['dev1'], document: '{"op":"blink"}' }) });
    expect(await notified).toMatchObject({ timestamp: expect.any(Number), execution: { jobId: 'j1', status: 'QUEUED', jobDocument: { op: 'blink' } } });

    const accepted = next(dev, '$aws/things/dev1/jobs/start-next/accepted');
    await dev.publish('$aws/things/dev1/jobs/start-next', '{"clientToken":"t1"}', { qos: 1 });
    expect(await accepted).toMatchObject({ clientToken: 't1', execution: { jobId: 'j1', status: 'IN_PROGRESS', versionNumber: 2 } });
    const described = await call(http, { path: '/things/dev1/jobs/j1', headers: CONTROL });
    expect(described.json).toMatchObject({ execution: { status: 'IN_PROGRESS', versionNumber: 2 } });

    const emptied = next(dev, '$aws/things/dev1/jobs/notify-next');
    await call(http, { method: 'POST', path: '/things/dev1/jobs/j1', headers: DATA, body: '{"status":"SUCCEEDED","expectedVersion":2}' });
    expect(await emptied).toEqual({ timestamp: expect.any(Number) });
    const job = await call(http, { path: '/jobs/j1', headers: CONTROL });
    expect(job.json).toMatchObject({ job: { status: 'COMPLETED', jobProcessDetails: { numberOfSucceededThings: 1 } } });
  });

  test('--attach: serves the Jobs topics of an external broker', async () => {
    external = await createTcpBroker({ port: 0 });
    server = await startSimulatorServer({ attach: external.url, httpPort: 0 });
    expect(server.attached).toBe(true);
    expect(server.mqttUrl).toBe(external.url);
    expect(server.mqttPort).toBeUndefined();
    const dev = await device(external.url);
    await dev.subscribe(['$aws/things/dev1/jobs/notify-next', '$aws/things/dev1/jobs/get/accepted'], { qos: 1 });

    await call(server.httpPort, { method: 'POST', path: '/things/dev1', headers: CONTROL });
    const notified = next(dev, '$aws/things/dev1/jobs/notify-next');
    await call(server.httpPort, { method: 'PUT', path: '/jobs/j1', headers: CONTROL, body: JSON.stringify({ targets: ['dev1'], document: '{"a":1}' }) });
    expect(await notified).toMatchObject({ execution: { jobId: 'j1', status: 'QUEUED' } });

    const listed = next(dev, '$aws/things/dev1/jobs/get/accepted');
    await dev.publish('$aws/things/dev1/jobs/get', '{}', { qos: 1 });
    expect(await listed).toMatchObject({ queuedJobs: [{ jobId: 'j1' }], inProgressJobs: [] });
  });

  test('an --attach URL with no broker behind it fails to start, and leaves nothing open', async () => {
    const probe = await createTcpBroker({ port: 0 });
    const deadUrl = probe.url;
    await probe.close();
    await expect(startSimulatorServer({ attach: deadUrl, httpPort: 0 })).rejects.toThrow();
  });
});

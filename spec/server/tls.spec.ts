/**
 * MQTT over TLS with client certificates, as AWS IoT Core serves it on 8883,
 * and certificate identity under `accessControl: 'thing-policy'`: a thing is
 * who its certificate says (attached with AttachThingPrincipal), not what its
 * client id claims. `connect()` is used exactly as for AWS.
 */
import { readFileSync } from 'node:fs';
import { AttachThingPrincipalCommand, CreateThingCommand, DetachThingPrincipalCommand, IoTClient, ListThingPrincipalsCommand } from '@aws-sdk/client-iot';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { ConnectionClosedError, InvalidArgumentError } from '../../lib/errors.js';
import { Jobs, Thing } from '../../lib/index.js';
import { connect, type ConnectOptions } from '../../lib/mqtt/connect.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { createTcpBroker } from '../../lib/testing/broker.js';
import { certificateId } from '../../lib/testing/simulator/principals.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/tls-things/${name}`, import.meta.url));
const pem = (name: string): string => readFileSync(fixture(name), 'utf8');
const TLS = { cert: pem('server.pem'), key: pem('server.key'), ca: pem('ca.pem') };

let server: SimulatorServer | undefined;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await server?.close();
  server = undefined;
});

/** connect() with the device's certificate files, as for AWS IoT Core. */
async function device(clientId: string, certificate: string | undefined, extra: ConnectOptions = {}): Promise<AsyncMqttClient> {
  const client = await connect(`mqtts://localhost:${server!.mqttPort!}`, {
    clientId,
    caPath: fixture('ca.pem'),
    ...(certificate === undefined ? {} : { certPath: fixture(`${certificate}.pem`), keyPath: fixture(`${certificate}.key`) }),
    reconnectPeriodMs: 0,
    ...extra,
  });
  closers.push(() => client.end(true));
  return client;
}

function closed(client: AsyncMqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

describe('TLS without access control', () => {
  test('serves mqtts:// and connect() works with the options it uses for AWS (client certificate, CA, ALPN)', async () => {
    server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, tls: TLS });
    expect(server.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    server.simulator.createThing({ thingName: 'thing-a' });
    server.simulator.createJob({ jobId: 'job-1', targets: ['thing-a'], document: '{"op":"x"}' });
    const client = await device('thing-a', 'thing-a', { alpn: true });
    const jobs = new JobsClient(client);
    closers.push(() => jobs.close());
    await expect(jobs.startNextPendingJobExecution('thing-a')).resolves.toMatchObject({ execution: { jobId: 'job-1' } });
  });

  test('a client without a certificate, or with one the CA did not sign, fails the handshake', async () => {
    server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, tls: TLS });
    await expect(device('thing-a', undefined)).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(device('thing-a', 'rogue')).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

test('createTcpBroker({ tls }) listens on mqtts:// and its connect() takes the client certificate options', async () => {
  const broker = await createTcpBroker({ tls: TLS });
  closers.push(() => broker.close());
  expect(broker.url).toBe(`mqtts://127.0.0.1:${broker.port}`);
  const client = await broker.connect({ cert: pem('thing-a.pem'), key: pem('thing-a.key'), ca: TLS.ca });
  const received = new Promise<string>((resolve) => client.once('message', (_topic: string, payload: Buffer) => resolve(payload.toString())));
  await client.subscribe('echo', { qos: 1 });
  await client.publish('echo', 'over tls', { qos: 1 });
  await expect(received).resolves.toBe('over tls');
  await expect(broker.connect({ ca: TLS.ca })).rejects.toThrow();
});

describe("accessControl: 'thing-policy' over TLS: the certificate is the identity", () => {
  beforeEach(async () => {
    server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, tls: TLS, accessControl: 'thing-policy' });
    const sim = server.simulator;
    sim.createThing({ thingName: 'thing-a' });
    sim.createThing({ thingName: 'thing-b' });
    sim.attachThingPrincipal({ thingName: 'thing-a', principal: sim.certificateArn(pem('thing-a.pem')) });
    sim.attachThingPrincipal({ thingName: 'thing-b', principal: sim.certificateArn(pem('thing-b.pem')) });
    sim.createJob({ jobId: 'job-a', targets: ['thing-a'], document: '{"mine":true}' });
    sim.createJob({ jobId: 'job-b', targets: ['thing-b'], document: '{"secret":"b"}' });
  });

  test('the principal is the certificate ARN AWS would give it: the SHA-256 of its DER bytes', () => {
    const sim = server!.simulator;
    const id = certificateId(pem('thing-a.pem'));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(sim.certificateArn(pem('thing-a.pem'))).toBe(`arn:aws:iot:us-east-1:123456789012:cert/${id}`);
    expect(sim.listThingPrincipals({ thingName: 'thing-a' })).toEqual({ principals: [`arn:aws:iot:us-east-1:123456789012:cert/${id}`] });
    expect(() => sim.attachThingPrincipal({ thingName: 'nobody', principal: 'x' })).toThrow(/cannot be found/);
  });

  test("a thing works with its own jobs; thing A's certificate cannot pose as thing B", async () => {
    const a = await device('thing-a', 'thing-a');
    const jobs = new Jobs(new Thing('thing-a', a));
    closers.push(() => jobs.close());
    const [, queued] = await jobs.list();
    expect(queued.map((job) => job.jobId)).toEqual(['job-a']);
    await expect(device('thing-b', 'thing-a')).rejects.toThrow(ConnectionClosedError);
    expect(server!.simulator.describeJobExecution({ jobId: 'job-b', thingName: 'thing-b' }).execution.status).toBe('QUEUED');
  });

  test('an unknown identity is refused: a certificate attached to no thing, or a client id that is no thing', async () => {
    const sim = server!.simulator;
    sim.detachThingPrincipal({ thingName: 'thing-b', principal: sim.certificateArn(pem('thing-b.pem')) });
    const refused = device('thing-b', 'thing-b');
    await expect(refused).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(refused.catch((error: Error) => String(error.cause))).resolves.toMatch(/not authorized/i);
    await expect(device('mallory', 'thing-a')).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  test('a second connection with the same client id takes over only with the same identity (then the older one is closed)', async () => {
    const sim = server!.simulator;
    // Both certificates may act as thing-a; the client id is in use by the first.
    sim.attachThingPrincipal({ thingName: 'thing-a', principal: sim.certificateArn(pem('thing-b.pem')) });
    const first = await device('thing-a', 'thing-a');
    await expect(device('thing-a', 'thing-b')).rejects.toBeInstanceOf(ConnectionClosedError);
    const firstClient = new JobsClient(first);
    closers.push(() => firstClient.close());
    await expect(firstClient.getPendingJobExecutions('thing-a')).resolves.toMatchObject({ queuedJobs: [{ jobId: 'job-a' }] });

    const firstClosed = closed(first);
    const second = await device('thing-a', 'thing-a');
    await firstClosed;
    const secondClient = new JobsClient(second);
    closers.push(() => secondClient.close());
    await expect(secondClient.getPendingJobExecutions('thing-a')).resolves.toMatchObject({ queuedJobs: [{ jobId: 'job-a' }] });
  });

  test("a forged notify-next never reaches the other thing: the forger's connection is closed", async () => {
    const b = await device('thing-b', 'thing-b');
    const jobsB = new Jobs(new Thing('thing-b', b));
    closers.push(() => jobsB.close());
    await jobsB.ready;
    const seen: Array<string | undefined> = [];
    jobsB.events.on('next', (job) => seen.push(job?.jobId));

    const a = await device('thing-a', 'thing-a');
    const aClosed = closed(a);
    const forged = { timestamp: 1, execution: { jobId: 'forged', status: 'QUEUED', versionNumber: 1, executionNumber: 1, jobDocument: { run: 'evil' } } };
    void a.publish('$aws/things/thing-b/jobs/notify-next', JSON.stringify(forged), { qos: 1 }).catch(() => undefined);
    await aClosed;

    const next = new Promise<void>((resolve) => jobsB.events.on('next', () => resolve()));
    const client = new JobsClient(b);
    closers.push(() => client.close());
    await client.updateJobExecution('thing-b', 'job-b', { status: 'SUCCEEDED' });
    await next;
    expect(seen).toEqual([undefined]);
  });

  test('the AWS SDK attaches, lists and detaches a certificate over HTTP (AttachThingPrincipal), and the device then connects', async () => {
    const iot = new IoTClient({ endpoint: `http://127.0.0.1:${server!.httpPort}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    closers.push(() => Promise.resolve(iot.destroy()));
    const principal = `arn:aws:iot:us-east-1:123456789012:cert/${certificateId(pem('thing-a.pem'))}`;
    await iot.send(new CreateThingCommand({ thingName: 'dev1' }));
    await expect(device('dev1', 'thing-a')).rejects.toBeInstanceOf(ConnectionClosedError);
    await iot.send(new AttachThingPrincipalCommand({ thingName: 'dev1', principal }));
    await expect(iot.send(new ListThingPrincipalsCommand({ thingName: 'dev1' }))).resolves.toMatchObject({ principals: [principal] });
    const client = await device('dev1', 'thing-a');
    const jobs = new JobsClient(client);
    closers.push(() => jobs.close());
    await expect(jobs.getPendingJobExecutions('dev1')).resolves.toMatchObject({ queuedJobs: [] });
    await iot.send(new DetachThingPrincipalCommand({ thingName: 'dev1', principal }));
    await expect(iot.send(new ListThingPrincipalsCommand({ thingName: 'dev1' }))).resolves.toMatchObject({ principals: [] });
    await expect(iot.send(new AttachThingPrincipalCommand({ thingName: 'nobody', principal }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('needs client certificates: without tls.ca, or with attach, the server does not start', async () => {
    await expect(startSimulatorServer({ mqttPort: 0, httpPort: 0, accessControl: 'thing-policy' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(startSimulatorServer({ mqttPort: 0, httpPort: 0, accessControl: 'thing-policy', tls: { cert: TLS.cert, key: TLS.key } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(startSimulatorServer({ httpPort: 0, accessControl: 'thing-policy', tls: TLS, attach: 'mqtt://127.0.0.1:1' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

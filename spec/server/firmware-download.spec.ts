/**
 * The commonest real job, end to end against the standalone server: the
 * operator uploads firmware and a job document with @aws-sdk/client-s3,
 * creates the job from `documentSource` with @aws-sdk/client-iot; the device
 * (this library's `Jobs` over MQTT) downloads the firmware from the
 * presigned URL in its job document and reports SUCCEEDED. Also: an expired
 * or tampered URL is refused with S3's 403 AccessDenied.
 */
import { afterEach, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, CreateThingCommand, DescribeJobCommand, DescribeJobExecutionCommand, GetJobDocumentCommand, IoTClient } from '@aws-sdk/client-iot';
import { Job, Jobs, Thing } from '../../lib/index.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { ManualClock } from '../testing/simulator/helpers.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
let server: SimulatorServer | undefined;
let simulator: JobsSimulator | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await server?.close();
  await simulator?.close();
  server = undefined;
  simulator = undefined;
});

function clients(httpUrl: string): { s3: S3Client; iot: IoTClient } {
  const config = { endpoint: httpUrl, region: 'us-east-1', credentials, maxAttempts: 1 };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const iot = new IoTClient(config);
  closers.push(() => s3.destroy(), () => iot.destroy());
  return { s3, iot };
}

/** The device code under test: start the next job, download what its document names, check it, report. */
async function runFirmwareJob(thing: Thing): Promise<{ jobId: string; bytes: number } | undefined> {
  const jobs = new Jobs(thing);
  try {
    const job = await jobs.startNext();
    if (!job) return undefined;
    const { url, sha256 } = job.document as { url: string; sha256: string };
    const response = await fetch(url);
    const firmware = Buffer.from(await response.arrayBuffer());
    const ok = response.ok && createHash('sha256').update(firmware).digest('hex') === sha256;
    await job.update(ok ? Job.SUCCEEDED : Job.FAILED, { bytes: String(firmware.length) });
    return { jobId: job.jobId, bytes: firmware.length };
  } finally {
    await jobs.close();
  }
}

test('a device downloads its firmware from the presigned URL in its job document and reports SUCCEEDED', async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  const { s3, iot } = clients(server.httpUrl);
  const firmware = Buffer.from(Array.from({ length: 50_000 }, (_, index) => index % 251));
  const sha256 = createHash('sha256').update(firmware).digest('hex');
  await s3.send(new PutObjectCommand({ Bucket: 'firmware', Key: 'sensor/v2.bin', Body: firmware, ContentType: 'application/octet-stream' }));
  const documentText = JSON.stringify({ operation: 'install', sha256, url: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/firmware/sensor/v2.bin}' });
  await s3.send(new PutObjectCommand({ Bucket: 'jobs', Key: 'install-v2.json', Body: documentText, ContentType: 'application/json' }));
  const stored = await s3.send(new GetObjectCommand({ Bucket: 'firmware', Key: 'sensor/v2.bin' }));
  expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(firmware)).toBe(true);
  expect((await s3.send(new HeadObjectCommand({ Bucket: 'firmware', Key: 'sensor/v2.bin' }))).ContentLength).toBe(firmware.length);
  await s3.send(new PutObjectCommand({ Bucket: 'firmware', Key: 'scratch', Body: 'x' }));
  await s3.send(new DeleteObjectCommand({ Bucket: 'firmware', Key: 'scratch' }));
  await expect(s3.send(new GetObjectCommand({ Bucket: 'firmware', Key: 'scratch' }))).rejects.toBeInstanceOf(NoSuchKey);

  await iot.send(new CreateThingCommand({ thingName: 'sensor-7' }));
  await iot.send(
    new CreateJobCommand({
      jobId: 'install-v2',
      targets: ['arn:aws:iot:us-east-1:123456789012:thing/sensor-7'],
      documentSource: 'https://s3.amazonaws.com/jobs/install-v2.json',
      presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/iot-jobs-s3', expiresInSec: 600 },
    }),
  );
  expect((await iot.send(new GetJobDocumentCommand({ jobId: 'install-v2' }))).document).toBe(documentText);
  expect((await iot.send(new DescribeJobCommand({ jobId: 'install-v2' }))).documentSource).toBe('https://s3.amazonaws.com/jobs/install-v2.json');

  const connection: AsyncMqttClient = await asyncMqtt.connectAsync(server.mqttUrl, { clientId: 'sensor-7', reconnectPeriod: 0 }, false);
  closers.push(() => connection.end(true));
  expect(await runFirmwareJob(new Thing('sensor-7', connection))).toEqual({ jobId: 'install-v2', bytes: firmware.length });

  const { execution } = await iot.send(new DescribeJobExecutionCommand({ jobId: 'install-v2', thingName: 'sensor-7' }));
  expect(execution).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { bytes: '50000' } } });
  expect((await iot.send(new DescribeJobCommand({ jobId: 'install-v2' }))).job?.status).toBe('COMPLETED');
});

test('an expired or tampered presigned URL is 403 AccessDenied; a fresh delivery signs a new one', async () => {
  const clock = new ManualClock();
  simulator = new JobsSimulator({ clock, autoCreateThings: true });
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, simulator });
  simulator.putObject('firmware', 'v2.bin', 'firmware bytes');
  simulator.createJob({
    jobId: 'fw',
    targets: ['t1'],
    document: JSON.stringify({ url: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/firmware/v2.bin}' }),
    presignedUrlConfig: { expiresInSec: 60 },
  });
  const urlNow = (): string => {
    const reply = simulator!.describeJobExecutionForDevice('t1', 'fw', {});
    return reply.ok ? (reply.reply.execution!.jobDocument as { url: string }).url : '';
  };
  const url = urlNow();
  expect(url.startsWith(`${server.httpUrl}/presigned-objects/firmware/v2.bin?`)).toBe(true);
  const fresh = await fetch(url);
  expect([fresh.status, await fresh.text()]).toEqual([200, 'firmware bytes']);
  const tampered = await fetch(url.replace(/.$/, (last) => (last === '0' ? '1' : '0')));
  expect(tampered.status).toBe(403);
  expect(await tampered.text()).toContain('<Code>AccessDenied</Code>');
  clock.advance(60_000);
  const expired = await fetch(url);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toContain('Request has expired');
  expect((await fetch(urlNow())).status).toBe(200);
});

test('publicHttpUrl sets the base of presigned URLs (a server bound to 0.0.0.0 cannot know it)', async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, autoCreateThings: true, publicHttpUrl: 'http://192.168.1.5:8080' });
  server.simulator.createJob({ jobId: 'fw', targets: ['t1'], document: JSON.stringify({ url: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/b/fw.bin}' }) });
  const reply = server.simulator.describeJobExecutionForDevice('t1', 'fw', {});
  expect(reply.ok && (reply.reply.execution!.jobDocument as { url: string }).url).toMatch(/^http:\/\/192\.168\.1\.5:8080\/presigned-objects\/b\/fw\.bin\?/);
});

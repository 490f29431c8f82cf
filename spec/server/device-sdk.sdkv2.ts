/**
 * AWS's device SDK (aws-iot-device-sdk-v2: IotJobsClientv2 over its MQTT 3.1.1
 * connection on plain TCP) against the simulator server, with the control
 * plane driven by @aws-sdk/client-iot. Runs in its own jest invocation with
 * --forceExit (`npm run jest:sdkv2`): aws-crt aborts or hangs at exit after a
 * streaming operation (toolchain.md).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { once } from 'node:events';
import { CreateJobCommand, CreateThingCommand, DescribeJobCommand, IoTClient } from '@aws-sdk/client-iot';
import sdk from 'aws-iot-device-sdk-v2';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';

const { io, iotjobs, mqtt, mqtt_request_response } = sdk;
type NextEvent = sdk.iotjobs.model.NextJobExecutionChangedEvent;
type ChangedEvent = sdk.iotjobs.model.JobExecutionsChangedEvent;

const THING = 'sdkv2-device';
let server: SimulatorServer;
let iot: IoTClient;
let connection: sdk.mqtt.MqttClientConnection;
let jobs: sdk.iotjobs.IotJobsClientv2;

beforeAll(async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  iot = new IoTClient({ endpoint: server.httpUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  connection = new mqtt.MqttClient().new_connection({
    client_id: THING,
    host_name: '127.0.0.1',
    port: server.mqttPort!,
    clean_session: true,
    keep_alive: 60,
    socket_options: new io.SocketOptions(),
  });
  await connection.connect();
  jobs = iotjobs.IotJobsClientv2.newFromMqtt311(connection, {
    maxRequestResponseSubscriptions: 4,
    maxStreamingSubscriptions: 2,
    operationTimeoutInSeconds: 10,
  });
});

afterAll(async () => {
  jobs.close();
  await connection.disconnect();
  iot.destroy();
  await server.close();
});

/** aws-crt's `SubscriptionStatusEventType.SubscriptionEstablished` (aws-crt is not a direct dependency). */
const SUBSCRIPTION_ESTABLISHED = 0;

/** Opens a stream and resolves once its subscription is established. */
async function openStream<T>(stream: sdk.mqtt_request_response.StreamingOperation<T>): Promise<void> {
  const established = new Promise<void>((resolve, reject) => {
    stream.on('subscriptionStatus', (event) => {
      if ((event.type as number) === SUBSCRIPTION_ESTABLISHED) resolve();
      else reject(new Error(`subscription status ${event.type}`));
    });
  });
  stream.open();
  await established;
}

test('a whole device cycle: CreateJob over HTTP, notify-next in the device SDK, start, SUCCEEDED, DescribeJob COMPLETED', async () => {
  await iot.send(new CreateThingCommand({ thingName: THING }));
  const nextStream = jobs.createNextJobExecutionChangedStream({ thingName: THING });
  const changedStream = jobs.createJobExecutionsChangedStream({ thingName: THING });
  await openStream(nextStream);
  await openStream(changedStream);

  const firstNext = once(nextStream, 'incomingPublish');
  const firstChanged = once(changedStream, 'incomingPublish');
  await iot.send(new CreateJobCommand({ jobId: 'sdkv2-job', targets: [THING], document: JSON.stringify({ action: 'update', version: '2.0' }) }));
  const next = ((await firstNext)[0] as { message: NextEvent }).message;
  expect(next.execution).toMatchObject({ jobId: 'sdkv2-job', status: 'QUEUED', versionNumber: 1, executionNumber: 1, jobDocument: { action: 'update', version: '2.0' } });
  const changed = ((await firstChanged)[0] as { message: ChangedEvent }).message;
  expect(changed.jobs).toEqual({ QUEUED: [expect.objectContaining({ jobId: 'sdkv2-job', versionNumber: 1 })] });

  const pending = await jobs.getPendingJobExecutions({ thingName: THING });
  expect(pending.queuedJobs).toEqual([expect.objectContaining({ jobId: 'sdkv2-job' })]);
  expect(pending.inProgressJobs).toEqual([]);

  const started = await jobs.startNextPendingJobExecution({ thingName: THING, statusDetails: { step: 'flashing' } });
  expect(started.execution).toMatchObject({ jobId: 'sdkv2-job', status: 'IN_PROGRESS', versionNumber: 2, statusDetails: { step: 'flashing' } });

  const described = await jobs.describeJobExecution({ thingName: THING, jobId: '$next' });
  expect(described.execution).toMatchObject({ jobId: 'sdkv2-job', status: 'IN_PROGRESS' });

  const lastNext = once(nextStream, 'incomingPublish');
  const lastChanged = once(changedStream, 'incomingPublish');
  const updated = await jobs.updateJobExecution({
    thingName: THING,
    jobId: 'sdkv2-job',
    status: iotjobs.model.JobStatus.SUCCEEDED,
    expectedVersion: 2,
    includeJobExecutionState: true,
  });
  expect(updated.executionState).toMatchObject({ status: 'SUCCEEDED', versionNumber: 3 });
  const emptied = ((await lastNext)[0] as { message: NextEvent }).message;
  expect(emptied.execution).toBeUndefined();
  expect(typeof emptied.timestamp).toBe('number');
  expect(((await lastChanged)[0] as { message: ChangedEvent }).message.jobs).toEqual({});

  const job = await iot.send(new DescribeJobCommand({ jobId: 'sdkv2-job' }));
  expect(job.job?.status).toBe('COMPLETED');
  expect(job.job?.jobProcessDetails).toEqual({
    numberOfCanceledThings: 0,
    numberOfSucceededThings: 1,
    numberOfFailedThings: 0,
    numberOfRejectedThings: 0,
    numberOfQueuedThings: 0,
    numberOfInProgressThings: 0,
    numberOfRemovedThings: 0,
    numberOfTimedOutThings: 0,
  });

  // A rejection reaches the device SDK as a ServiceError carrying the modeled error.
  let rejected: unknown;
  try {
    await jobs.updateJobExecution({ thingName: THING, jobId: 'sdkv2-job', status: iotjobs.model.JobStatus.FAILED });
  } catch (error) {
    rejected = error;
  }
  expect(rejected).toBeInstanceOf(mqtt_request_response.ServiceError);
  expect((rejected as { modeledError?: unknown }).modeledError).toMatchObject({ code: 'InvalidStateTransition', executionState: { status: 'SUCCEEDED' } });

  nextStream.close();
  changedStream.close();
});

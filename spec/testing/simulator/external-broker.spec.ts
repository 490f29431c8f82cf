/**
 * The simulator attached to an external broker as an ordinary MQTT client
 * (here aedes over loopback TCP, standing in for mosquitto): replies are
 * published on the reply topic, so subscribers see them, and only they do.
 */
import { afterEach, expect, test } from '@jest/globals';
import { createTcpBroker, type TcpTestBroker } from '../../../lib/testing/broker.js';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { DOC, ManualClock, RawDevice } from './helpers.js';

let broker: TcpTestBroker | undefined;
let simulator: JobsSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  await broker?.close();
  broker = undefined;
  simulator = undefined;
});

async function setup(): Promise<{ device: RawDevice; other: RawDevice }> {
  broker = await createTcpBroker();
  simulator = new JobsSimulator({ clock: new ManualClock(), autoCreateThings: true });
  await simulator.attachToBroker(broker.url);
  const device = new RawDevice(await broker.connect(), 't1');
  const other = new RawDevice(await broker.connect(), 't1');
  await device.client.subscribe(['$aws/things/t1/jobs/get/+', '$aws/things/t1/jobs/start-next/+', '$aws/things/t1/jobs/+/update/+'], { qos: 1 });
  return { device, other };
}

test('replies arrive on the reply topic for a subscribed requester; another subscriber sees them too', async () => {
  const { device, other } = await setup();
  await other.client.subscribe('$aws/things/t1/jobs/get/accepted', { qos: 1 });
  const reply = await device.request('/get', { clientToken: 'ext' });
  expect(reply).toMatchObject({ topic: '$aws/things/t1/jobs/get/accepted', payload: { inProgressJobs: [], queuedJobs: [], clientToken: 'ext' } });
  expect(await other.next()).toMatchObject({ topic: '$aws/things/t1/jobs/get/accepted', payload: { clientToken: 'ext' } });
  await device.expectNothingElse();
});

test('a requester that did not subscribe gets nothing (unlike AWS)', async () => {
  const { other } = await setup();
  await other.client.subscribe('$aws/things/t1/jobs/notify', { qos: 1 });
  await other.publish('/get', { clientToken: 'unheard' });
  simulator!.createJob({ jobId: 'after', targets: ['t1'], document: '{}' });
  // The notification caused after the request is the first thing it receives.
  expect((await other.next()).topic).toBe('$aws/things/t1/jobs/notify');
});

test('the four operations and the notifications work through the external broker', async () => {
  const { device } = await setup();
  await device.subscribeNotifications();
  simulator!.createJob({ jobId: 'job1', targets: ['t1'], document: JSON.stringify(DOC) });
  expect((await device.next()).topic).toBe(device.topic('/notify'));
  expect((await device.next()).payload).toMatchObject({ execution: { jobId: 'job1', jobDocument: DOC } });
  await device.client.subscribe([device.topic('/+/get/+'), device.topic('/+/frob/+')]);
  expect((await device.request('/start-next', {})).payload).toMatchObject({ execution: { status: 'IN_PROGRESS' } });
  expect((await device.request('/job1/get', { includeJobDocument: false })).payload).toMatchObject({ execution: { versionNumber: 2 } });
  expect((await device.request('/job1/update', { status: 'SUCCEEDED' })).topic).toBe(device.topic('/job1/update/accepted'));
  expect((await device.next()).payload).toMatchObject({ jobs: {} });
  expect((await device.next()).topic).toBe(device.topic('/notify-next'));
  expect((await device.request('/job1/frob', 'x')).payload).toMatchObject({ code: 'InvalidTopic' });
  await device.expectNothingElse();
});

test('close() ends the simulator client; a refused connection rejects attachToBroker', async () => {
  broker = await createTcpBroker();
  simulator = new JobsSimulator();
  await simulator.attachToBroker(broker.url);
  // One client for Jobs, one for Commands (docs/commands.md §10).
  expect(broker.aedes.connectedClients).toBe(2);
  await simulator.close();
  await expect(new JobsSimulator().attachToBroker('mqtt://127.0.0.1:1', { connectTimeout: 1000 })).rejects.toThrow();
});

/**
 * The simulator's `thing-policy` access control on the in-process broker: a
 * client must be a thing (its client id, in process) and may use only its own
 * thing's Jobs topics, like an AWS IoT policy: thing A can neither read nor
 * update thing B's jobs, nor forge a notification to B, and a client that is
 * no thing is refused. (Certificate identity over TLS: spec/server/tls.spec.ts.)
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { SubscriptionRefusedError } from '../../lib/errors.js';
import { Job, Jobs, Thing } from '../../lib/index.js';
import {
  createTestEnvironment,
  thingPolicyAllows,
  thingPolicyAllowsPublish,
  thingPolicyAllowsReceive,
  thingPolicyAllowsSubscribe,
  type TestEnvironment,
} from '../../lib/testing/index.js';

let env: TestEnvironment;
let deviceA: AsyncMqttClient;
const opened: Array<Jobs | JobsClient> = [];

beforeEach(async () => {
  env = await createTestEnvironment({ accessControl: 'thing-policy' });
  env.simulator.createThing({ thingName: 'thing-a' });
  env.simulator.createThing({ thingName: 'thing-b' });
  env.simulator.createJob({ jobId: 'job-b', targets: ['thing-b'], document: '{"secret":"b"}' });
  env.simulator.createJob({ jobId: 'job-a', targets: ['thing-a'], document: '{"mine":true}' });
  deviceA = await env.connect({ clientId: 'thing-a' });
});

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
  await env.close();
});

function executionOfB(): { status: string; versionNumber: number | undefined } {
  const { execution } = env.simulator.describeJobExecution({ jobId: 'job-b', thingName: 'thing-b' });
  return { status: execution.status, versionNumber: execution.versionNumber };
}

test('the policy allows exactly the topics under $aws/things/<thing>/jobs/', () => {
  expect(thingPolicyAllows('thing-a', '$aws/things/thing-a/jobs/get')).toBe(true);
  expect(thingPolicyAllows('thing-a', '$aws/things/thing-a/jobs/#')).toBe(true);
  expect(thingPolicyAllows('thing-a', '$aws/things/thing-b/jobs/get')).toBe(false);
  expect(thingPolicyAllows('thing-a', '$aws/things/+/jobs/#')).toBe(false);
  expect(thingPolicyAllows('thing-a', '$aws/things/thing-a/shadow/get')).toBe(false);
  expect(thingPolicyAllows('thing-a', '$aws/things/thing-ab/jobs/get')).toBe(false);
  expect(thingPolicyAllows('thing-a', '#')).toBe(false);
});

test('thing A works with its own jobs', async () => {
  const jobs = new Jobs(new Thing('thing-a', deviceA));
  opened.push(jobs);
  await jobs.ready;
  const [, queued] = await jobs.list();
  expect(queued.map((job) => job.jobId)).toEqual(['job-a']);
  expect(await queued[0]!.update(Job.SUCCEEDED)).toBe(true);
});

test("thing A cannot read thing B's jobs: the subscriptions are refused and nothing is sent", async () => {
  const published: string[] = [];
  env.broker.aedes.on('publish', (packet, client) => {
    if (client?.id === 'thing-a') published.push(packet.topic);
  });
  const jobs = new Jobs(new Thing('thing-b', deviceA));
  opened.push(jobs);
  await expect(jobs.ready).rejects.toBeInstanceOf(SubscriptionRefusedError);
  await expect(jobs.list()).rejects.toBeInstanceOf(SubscriptionRefusedError);
  const client = new JobsClient(deviceA);
  opened.push(client);
  await expect(client.describeJobExecution('thing-b', 'job-b')).rejects.toBeInstanceOf(SubscriptionRefusedError);
  // A wildcard over every thing is refused too.
  const grants = await deviceA.subscribe('$aws/things/+/jobs/#', { qos: 1 });
  expect(grants).toEqual([{ topic: '$aws/things/+/jobs/#', qos: 128 }]);
  // Round trip on A's own topics: everything A published before has been seen.
  expect(await client.getPendingJobExecutions('thing-a')).toMatchObject({ queuedJobs: [{ jobId: 'job-a' }] });
  expect(published.filter((topic) => topic.includes('thing-b'))).toEqual([]);
});

test("thing A cannot update thing B's jobs: Job.update fails before sending, a raw publish closes A's connection", async () => {
  const jobs = new Jobs(new Thing('thing-b', deviceA));
  opened.push(jobs);
  await jobs.ready.catch(() => undefined);
  const job = jobs.job('job-b');
  expect(await job.update(Job.SUCCEEDED, { by: 'thing-a' })).toBe(false);
  expect(job.error).toBeInstanceOf(SubscriptionRefusedError);
  expect(executionOfB()).toEqual({ status: 'QUEUED', versionNumber: 1 });

  const closed = new Promise<void>((resolve) => deviceA.once('close', () => resolve()));
  void deviceA.publish('$aws/things/thing-b/jobs/job-b/update', JSON.stringify({ status: 'SUCCEEDED' }), { qos: 0 }).catch(() => undefined);
  await closed;
  expect(executionOfB()).toEqual({ status: 'QUEUED', versionNumber: 1 });

  // Thing B itself still can.
  const deviceB = await env.connect({ clientId: 'thing-b' });
  const client = new JobsClient(deviceB);
  opened.push(client);
  await client.updateJobExecution('thing-b', 'job-b', { status: 'IN_PROGRESS' });
  expect(executionOfB()).toEqual({ status: 'IN_PROGRESS', versionNumber: 2 });
});

test('a client that is not a thing is refused at connect (CONNACK 5), so it can neither read nor update any job', async () => {
  const refused = env.connect({ clientId: 'harness' });
  await expect(refused).rejects.toThrow(/not authorized/i);
  expect(executionOfB()).toEqual({ status: 'QUEUED', versionNumber: 1 });
});

test('publish, subscribe and receive follow AWS device permissions: publish requests, subscribe to and receive replies and notifications', () => {
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-a/jobs/get')).toBe(true);
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-a/jobs/job-1/update')).toBe(true);
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-a/jobs/notify-next')).toBe(false);
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-a/jobs/notify')).toBe(false);
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-a/jobs/get/accepted')).toBe(false);
  expect(thingPolicyAllowsPublish('thing-a', '$aws/things/thing-b/jobs/get')).toBe(false);
  expect(thingPolicyAllowsReceive('thing-a', '$aws/things/thing-a/jobs/notify-next')).toBe(true);
  expect(thingPolicyAllowsReceive('thing-a', '$aws/things/thing-a/jobs/job-1/update/rejected')).toBe(true);
  expect(thingPolicyAllowsReceive('thing-a', '$aws/things/thing-a/jobs/job-1/update')).toBe(false);
  expect(thingPolicyAllowsReceive('thing-a', '$aws/things/thing-b/jobs/notify')).toBe(false);
  expect(thingPolicyAllowsSubscribe('thing-a', '$aws/things/thing-a/jobs/#')).toBe(true);
  expect(thingPolicyAllowsSubscribe('thing-a', '$aws/things/thing-a/jobs/notify')).toBe(true);
  expect(thingPolicyAllowsSubscribe('thing-a', '$aws/things/thing-a/jobs/get')).toBe(false);
  expect(thingPolicyAllowsSubscribe('thing-a', '$aws/things/thing-b/jobs/notify')).toBe(false);
});

test("a forged notify-next from thing A never reaches thing B: A's connection is closed and B's Jobs emits only the service's notification", async () => {
  const deviceB = await env.connect({ clientId: 'thing-b' });
  const jobsB = new Jobs(new Thing('thing-b', deviceB));
  opened.push(jobsB);
  await jobsB.ready;
  const seen: Array<string | undefined> = [];
  jobsB.events.on('next', (job) => seen.push(job?.jobId));

  const forged = { timestamp: 1, execution: { jobId: 'forged', status: 'QUEUED', queuedAt: 1, lastUpdatedAt: 1, versionNumber: 1, executionNumber: 1, jobDocument: { run: 'rm -rf /' } } };
  // A client that is no thing is refused; before, it could publish anywhere.
  const mallory = await env.connect({ clientId: 'mallory' }).catch(() => undefined);
  await mallory?.publish('$aws/things/thing-b/jobs/notify-next', JSON.stringify(forged), { qos: 1 }).catch(() => undefined);
  expect(mallory).toBeUndefined();
  // A thing may not publish to another thing's topics, nor to its own notify or reply topics.
  for (const topic of ['$aws/things/thing-b/jobs/notify-next', '$aws/things/thing-a/jobs/notify-next', '$aws/things/thing-a/jobs/get/accepted']) {
    const device = topic.includes('thing-b') ? deviceA : await env.connect({ clientId: 'thing-a' });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    void device.publish(topic, JSON.stringify(forged), { qos: 1 }).catch(() => undefined);
    await closed;
  }

  // The service's own notification still arrives: B finishes its job, and the next one is announced.
  const next = new Promise<void>((resolve) => jobsB.events.on('next', () => resolve()));
  const client = new JobsClient(deviceB);
  opened.push(client);
  await client.updateJobExecution('thing-b', 'job-b', { status: 'SUCCEEDED' });
  await next;
  expect(seen).toEqual([undefined]);
});

test('a connection that takes over a client id in use closes the older one (in process, the client id is the identity)', async () => {
  const closed = new Promise<void>((resolve) => deviceA.once('close', () => resolve()));
  const second = await env.connect({ clientId: 'thing-a' });
  await closed;
  const client = new JobsClient(second);
  opened.push(client);
  expect(await client.getPendingJobExecutions('thing-a')).toMatchObject({ queuedJobs: [{ jobId: 'job-a' }] });
});

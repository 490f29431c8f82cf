/**
 * Integration over a real broker: Jobs/Job and JobsClient against the
 * simulator attached to mosquitto, over MQTT 3.1.1 (async-mqtt) and MQTT 5
 * (mqtt.js v5). Under `.ci/run` (REQUIRE_MOSQUITTO=1) a missing mosquitto
 * fails this suite; elsewhere it is skipped with a message.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { Job, Jobs, JobsRejectedError, Thing } from '../../lib/index.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { PROTOCOLS } from './mosquitto.js';
import { connectDevice, describeWithMosquitto, type MosquittoDevice } from './mosquitto-env.js';

/** Unique per run: the CI broker is shared by every suite. */
const RUN = `${process.pid}-${Date.now().toString(36)}`;
let thingCounter = 0;

describeWithMosquitto('mosquitto integration', (broker) => {
  let simulator: JobsSimulator;
  let devices: MosquittoDevice[] = [];
  let thingName: string;

  beforeEach(async () => {
    simulator = new JobsSimulator({ autoCreateThings: true });
    await simulator.attachToBroker(broker.url, { clientId: `rel-sim-${RUN}-${thingCounter}` });
    devices = [];
    thingCounter += 1;
    thingName = `rel-${RUN}-${thingCounter}`;
    simulator.createThing({ thingName });
  });

  afterEach(async () => {
    for (const device of devices) await device.end();
    await simulator.close();
  });

  describe.each(PROTOCOLS)('%s', (protocol) => {
    async function device(): Promise<MosquittoDevice> {
      const connected = await connectDevice(broker.url, protocol);
      devices.push(connected);
      return connected;
    }

    test('Jobs/Job: list, describe, update twice, notifications, and the list empties', async () => {
      const { connection } = await device();
      const jobs = new Jobs(new Thing(thingName, connection));
      await jobs.ready;
      expect(jobs.changed()).toBe(true);
      const changed = jobs.waitForChange({ timeoutMs: 5_000 });
      simulator.createJob({ jobId: 'first', targets: [thingName], document: JSON.stringify({ op: 'first' }) });
      await changed;
      simulator.createJob({ jobId: 'second', targets: [thingName], document: JSON.stringify({ op: 'second' }) });

      const [inProgress, queued] = await jobs.list();
      expect(inProgress).toEqual([]);
      expect(queued.map((job) => job.jobId)).toEqual(['first', 'second']);
      for (const job of queued) {
        expect(await job.describe()).toBe(true);
        expect(job.document).toEqual({ op: job.jobId });
        expect(await job.update(Job.IN_PROGRESS, { step: '1' })).toBe(true);
        expect(await job.update(Job.SUCCEEDED, { step: 'done' })).toBe(true);
        expect(job.status).toBe('SUCCEEDED');
      }
      expect(await jobs.list()).toEqual([[], []]);
      expect(simulator.describeJobExecution({ jobId: 'second', thingName }).execution.status).toBe('SUCCEEDED');
      await jobs.close();
    });

    test('Jobs.startNext and Jobs.next go through the broker', async () => {
      const { connection } = await device();
      const jobs = new Jobs(new Thing(thingName, connection));
      await jobs.ready;
      expect(await jobs.next()).toBeUndefined();
      simulator.createJob({ jobId: 'n1', targets: [thingName], document: '{"x":1}' });
      const started = await jobs.startNext({ by: 'device' });
      expect(started).toMatchObject({ jobId: 'n1', status: 'IN_PROGRESS', document: { x: 1 } });
      expect((await jobs.next())?.jobId).toBe('n1');
      await jobs.close();
    });

    test('JobsClient: the four operations, a rejection, and both notifications', async () => {
      const { connection } = await device();
      const client = new JobsClient(connection, { timeoutMs: 5_000 });
      await client.watch(thingName);
      const notify = new Promise((resolve) => client.events.on('notify', resolve));
      const next = new Promise((resolve) => client.events.on('notify-next', resolve));
      simulator.createJob({ jobId: 'c1', targets: [thingName], document: '{"a":true}' });
      expect(await notify).toMatchObject({ thingName, notification: { jobs: { QUEUED: [{ jobId: 'c1' }] } } });
      expect(await next).toMatchObject({ thingName, notification: { execution: { jobId: 'c1', jobDocument: { a: true } } } });

      expect(await client.getPendingJobExecutions(thingName)).toMatchObject({ queuedJobs: [{ jobId: 'c1', versionNumber: 1 }] });
      expect(await client.startNextPendingJobExecution(thingName)).toMatchObject({ execution: { jobId: 'c1', status: 'IN_PROGRESS' } });
      expect(await client.describeJobExecution(thingName, 'c1', { includeJobDocument: false })).toMatchObject({ execution: { versionNumber: 2 } });
      expect(await client.updateJobExecution(thingName, 'c1', { status: 'SUCCEEDED', expectedVersion: 2, includeJobExecutionState: true })).toMatchObject({
        executionState: { status: 'SUCCEEDED', versionNumber: 3 },
      });
      const rejected = await client.updateJobExecution(thingName, 'c1', { status: 'IN_PROGRESS' }).catch((error: unknown) => error);
      expect(rejected).toBeInstanceOf(JobsRejectedError);
      expect(rejected).toMatchObject({ code: 'InvalidStateTransition' });
      expect(client.pendingCount).toBe(0);
      await client.close();
    });
  });
});

import { afterEach, expect, test } from '@jest/globals';
import { startHarness, type Harness, queueJob, DOC } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

test('a device starts and finishes a queued job over MQTT', async () => {
  harness = await startHarness();
  const device = await harness.device('t1');
  queueJob(harness.simulator, 'job1', ['t1']);
  expect((await device.next()).topic).toBe(device.topic('/notify'));
  expect((await device.next()).topic).toBe(device.topic('/notify-next'));
  const started = await device.request('/start-next', { clientToken: 'a' });
  expect(started.topic).toBe(device.topic('/start-next/accepted'));
  expect(started.payload).toMatchObject({ clientToken: 'a', execution: { jobId: 'job1', status: 'IN_PROGRESS', versionNumber: 2, jobDocument: DOC } });
  const updated = await device.request('/job1/update', { status: 'SUCCEEDED' });
  expect(Object.keys(updated.payload)).toEqual(['timestamp']);
  expect((await device.next()).payload).toMatchObject({ jobs: {} });
  expect(Object.keys((await device.next()).payload)).toEqual(['timestamp']);
  await device.expectNothingElse();
  expect(harness.simulator.describeJob({ jobId: 'job1' }).job.status).toBe('COMPLETED');
});

// Plain JavaScript jest in ESM mode (node --experimental-vm-modules): import, no transform.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Job, Jobs, Thing } from 'aws-iot-jobs';
import { createTestEnvironment } from 'aws-iot-jobs/testing';

let env;
beforeEach(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
});
afterEach(() => env.close());

test('an ESM suite runs a job to SUCCEEDED on the in-memory broker and simulator', async () => {
  env.simulator.createJob({ jobId: 'reboot-1', targets: ['sensor-7'], document: JSON.stringify({ action: 'reboot' }) });
  const jobs = new Jobs(new Thing('sensor-7', await env.connect({ clientId: 'sensor-7' })));
  try {
    const job = await jobs.startNext();
    expect(job && job.jobId).toBe('reboot-1');
    expect(await job.update(Job.SUCCEEDED)).toBe(true);
  } finally {
    await jobs.close();
  }
  expect(env.simulator.describeJobExecution({ jobId: 'reboot-1', thingName: 'sensor-7' }).execution.status).toBe('SUCCEEDED');
});

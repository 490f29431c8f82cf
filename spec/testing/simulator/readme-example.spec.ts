/**
 * The user's jest test shown in the README, verbatim except for the import
 * paths (the README imports from 'aws-iot-jobs' and 'aws-iot-jobs/testing').
 */
// --- README example start
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Job, Jobs, Thing } from '../../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../../lib/testing/index.js';

/** The device code under test: runs every queued job, then stops when none is left. */
async function runJobs(thing: Thing): Promise<string[]> {
  const jobs = new Jobs(thing);
  const done: string[] = [];
  try {
    for (let job = await jobs.startNext(); job; job = await jobs.startNext()) {
      const ok = (job.document as { action?: string }).action === 'reboot'; // the "work"
      await job.update(ok ? Job.SUCCEEDED : Job.FAILED);
      done.push(job.jobId);
    }
    return done;
  } finally {
    await jobs.close();
  }
}

let env: TestEnvironment;
beforeEach(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
});
afterEach(() => env.close());

test('the device runs the queued job to SUCCEEDED', async () => {
  env.simulator.createJob({ jobId: 'reboot-1', targets: ['sensor-7'], document: JSON.stringify({ action: 'reboot' }) });

  const connection = await env.connect({ clientId: 'sensor-7' });
  expect(await runJobs(new Thing('sensor-7', connection))).toEqual(['reboot-1']);

  const { execution } = env.simulator.describeJobExecution({ jobId: 'reboot-1', thingName: 'sensor-7' });
  expect(execution.status).toBe('SUCCEEDED');
  expect(env.simulator.describeJob({ jobId: 'reboot-1' }).job.status).toBe('COMPLETED');
});
// --- README example end

test('the README shows this very code', async () => {
  const { readFile } = await import('node:fs/promises');
  const spec = await readFile(new URL(import.meta.url), 'utf8');
  const code = spec
    .split('// --- README example start\n')[1]!
    .split('// --- README example end')[0]!
    .replace("'../../../lib/index.js'", "'aws-iot-jobs'")
    .replace("'../../../lib/testing/index.js'", "'aws-iot-jobs/testing'");
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain('```ts\n' + code + '```');
});

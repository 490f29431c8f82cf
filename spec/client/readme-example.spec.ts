/**
 * The jest test shown in README.md, verbatim except for the
 * import paths (the README imports from 'aws-iot-jobs' and 'aws-iot-jobs/testing').
 */
// --- README example start
import { expect, test } from '@jest/globals';
import { JobsAbortError, JobsClient, JobsRejectedError } from '../../lib/index.js';
import { createTestEnvironment } from '../../lib/testing/index.js';

test('a device runs its next job with the low-level client', async () => {
  const env = await createTestEnvironment({ autoCreateThings: true });
  try {
    env.simulator.createJob({ jobId: 'fw-42', targets: ['sensor-7'], document: '{"firmware":"4.2.0"}' });
    // Any async-mqtt client: connect(url, { certPath, keyPath, caPath }) makes one for AWS IoT Core.
    const connection = await env.connect({ clientId: 'sensor-7' });
    const jobs = new JobsClient(connection, { timeoutMs: 5_000 });

    const seen: string[] = [];
    jobs.events.on('notify-next', ({ notification }) => seen.push(notification.execution?.jobId ?? 'none'));
    await jobs.watch('sensor-7'); // notify + notify-next, and the reply topics: 6 subscriptions

    const { execution } = await jobs.startNextPendingJobExecution('sensor-7', { statusDetails: { step: 'download' } });
    expect(execution).toMatchObject({ jobId: 'fw-42', status: 'IN_PROGRESS', versionNumber: 2, jobDocument: { firmware: '4.2.0' } });

    const done = await jobs.updateJobExecution(
      'sensor-7',
      'fw-42',
      { status: 'SUCCEEDED', expectedVersion: execution!.versionNumber, includeJobExecutionState: true },
      { timeoutMs: 2_000 }, // per call
    );
    expect(done.executionState).toEqual({ status: 'SUCCEEDED', statusDetails: { step: 'download' }, versionNumber: 3 });

    // The service's rejection arrives as a typed error with AWS's code and the execution state.
    const again = await jobs.updateJobExecution('sensor-7', 'fw-42', { status: 'FAILED' }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(JobsRejectedError);
    expect(again).toMatchObject({ code: 'InvalidStateTransition', executionState: { status: 'SUCCEEDED' } });

    // Any call can be abandoned with an AbortSignal.
    const controller = new AbortController();
    const pending = jobs.getPendingJobExecutions('sensor-7', {}, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(JobsAbortError);

    expect(await jobs.getPendingJobExecutions('sensor-7')).toMatchObject({ inProgressJobs: [], queuedJobs: [] });
    expect(seen).toEqual(['none']); // fw-42 left the queue: no next job
    await jobs.close();
  } finally {
    await env.close();
  }
});
// --- README example end

test('README.md shows this very code', async () => {
  const { readFile } = await import('node:fs/promises');
  const spec = await readFile(new URL(import.meta.url), 'utf8');
  const code = spec
    .split('// --- README example start\n')[1]!
    .split('// --- README example end')[0]!
    .replace("'../../lib/index.js'", "'aws-iot-jobs'")
    .replace("'../../lib/testing/index.js'", "'aws-iot-jobs/testing'");
  const doc = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  expect(doc).toContain('```ts\n' + code + '```');
});

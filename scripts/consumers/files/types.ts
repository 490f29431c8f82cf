// Type-checked only (tsc --noEmit) under each moduleResolution: the main
// entry, /testing and /protocol resolve to real types, not `any`.
import { Job, Jobs, JobsError, Thing } from 'aws-iot-jobs';
import { createTestEnvironment, type TestEnvironment } from 'aws-iot-jobs/testing';
import { getPendingTopic } from 'aws-iot-jobs/protocol';

export async function runOne(): Promise<string | undefined> {
  const env: TestEnvironment = await createTestEnvironment({ autoCreateThings: true });
  const jobs = new Jobs(new Thing('sensor-7', await env.connect()));
  const job: Job | undefined = await jobs.startNext();
  // @ts-expect-error -- not a status a device may report: the types are real
  await job?.update('DONE');
  await env.close();
  const error: JobsError = new JobsError('typed');
  return job === undefined ? error.message : getPendingTopic(job.jobId);
}

/**
 * A timeout longer than a Node timer can hold (2^31-1 ms) used to overflow:
 * Node fired it after 1 ms, so a "very long" timeout expired at once. Such
 * timeouts now mean "no timer".
 */
import { afterEach, expect, test } from '@jest/globals';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { MAX_TIMER_MS, timerMs } from '../../lib/client/deadline.js';
import { Jobs, Thing } from '../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/index.js';

let env: TestEnvironment | undefined;

afterEach(async () => {
  await env?.close();
});

test('timerMs keeps what a timer can hold and turns the rest into Infinity', () => {
  expect(timerMs(0)).toBe(0);
  expect(timerMs(MAX_TIMER_MS)).toBe(MAX_TIMER_MS);
  expect(timerMs(MAX_TIMER_MS + 1)).toBe(Number.POSITIVE_INFINITY);
  expect(timerMs(1e300)).toBe(Number.POSITIVE_INFINITY);
});

test('a call with a timeout beyond 2^31-1 ms waits for its (delayed) reply instead of timing out after 1 ms', async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  env.simulator.createThing({ thingName: 't1' });
  const client = new JobsClient(await env.connect());
  env.simulator.faults.delayReplies({ thingName: 't1', operation: 'getPending' }, 1, 30);
  await expect(client.getPendingJobExecutions('t1', {}, { timeoutMs: 2 ** 40 })).resolves.toMatchObject({ queuedJobs: [] });

  const jobs = new Jobs(new Thing('t1', client.connection), { client });
  await jobs.ready;
  jobs.changed();
  const waiting = jobs.waitForChange({ timeoutMs: 2 ** 40 });
  // A delayed round trip later, the wait is still open; then a job arrives and ends it.
  env.simulator.faults.delayReplies({ thingName: 't1', operation: 'getPending' }, 1, 30);
  await client.getPendingJobExecutions('t1');
  env.simulator.createJob({ jobId: 'j', targets: ['t1'], document: '{}' });
  await expect(waiting).resolves.toBe(true);
  await jobs.close();
  await client.close();
});

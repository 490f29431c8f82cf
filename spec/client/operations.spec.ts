import { afterEach, describe, expect, test } from '@jest/globals';
import { InvalidArgumentError, JobsRejectedError } from '../../lib/errors.js';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { TestBed, TRANSPORTS, debugLog, nextEvent } from './support.js';

describe.each(TRANSPORTS)('JobsClient over %s, against the simulator', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function start(): Promise<{ bed: TestBed; client: JobsClient }> {
    bed = await TestBed.start();
    const { client } = await bed.client(transport);
    return { bed, client };
  }

  describe('getPendingJobExecutions', () => {
    test('accepted: lists the queued and in-progress executions, times in integer seconds', async () => {
      const { bed, client } = await start();
      const [first, second] = bed.thingWithJobs('thing-1', 2);
      await client.startNextPendingJobExecution('thing-1');
      const reply = await client.getPendingJobExecutions('thing-1');
      expect(reply.inProgressJobs.map((job) => job.jobId)).toEqual([first]);
      expect(reply.queuedJobs.map((job) => job.jobId)).toEqual([second]);
      expect(reply.inProgressJobs[0]).toMatchObject({ versionNumber: 2, executionNumber: 1 });
      expect(Number.isInteger(reply.timestamp)).toBe(true);
      expect(reply.timestamp).toBeLessThan(10_000_000_000); // seconds, not milliseconds
      expect(typeof reply.clientToken).toBe('string');
    });

    test('rejected: rejects with JobsRejectedError carrying the AWS code', async () => {
      const { bed, client } = await start();
      bed.thingWithJobs('thing-1', 0);
      bed.simulator.faults.rejectNext({ thingName: 'thing-1', operation: 'getPending' }, 1, 'RequestThrottled');
      const error = await client.getPendingJobExecutions('thing-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobsRejectedError);
      expect(error).toMatchObject({ code: 'RequestThrottled', retryable: true });
    });

    test("keeps the caller's clientToken, and refuses one already in flight before sending", async () => {
      const { bed, client } = await start();
      bed.thingWithJobs('thing-1', 0);
      const first = client.getPendingJobExecutions('thing-1', { clientToken: 'mine-1' });
      await expect(client.getPendingJobExecutions('thing-1', { clientToken: 'mine-1' })).rejects.toThrow(InvalidArgumentError);
      expect((await first).clientToken).toBe('mine-1');
      // Once settled, the token may be used again.
      expect((await client.getPendingJobExecutions('thing-1', { clientToken: 'mine-1' })).clientToken).toBe('mine-1');
    });
  });

  describe('startNextPendingJobExecution', () => {
    test('accepted: starts the head, with its document; accepted without execution when nothing is pending', async () => {
      const { bed, client } = await start();
      const [jobId] = bed.thingWithJobs('thing-1', 1);
      const started = await client.startNextPendingJobExecution('thing-1', { statusDetails: { step: 'download' }, stepTimeoutInMinutes: 5 });
      expect(started.execution).toMatchObject({ jobId, status: 'IN_PROGRESS', versionNumber: 2, jobDocument: { op: '0' }, statusDetails: { step: 'download' } });
      await client.updateJobExecution('thing-1', jobId!, { status: 'SUCCEEDED' });
      const none = await client.startNextPendingJobExecution('thing-1');
      expect(none.execution).toBeUndefined();
      expect(Number.isInteger(none.timestamp)).toBe(true);
    });

    test('rejected: InternalError from the service', async () => {
      const { bed, client } = await start();
      bed.thingWithJobs('thing-1', 1);
      bed.simulator.faults.rejectNext({ operation: 'startNext' }, 1, 'InternalError');
      await expect(client.startNextPendingJobExecution('thing-1')).rejects.toMatchObject({ name: 'JobsRejectedError', code: 'InternalError' });
    });
  });

  describe('describeJobExecution', () => {
    test('accepted: by job id with the document, without it when includeJobDocument is false, and $next', async () => {
      const { bed, client } = await start();
      const [first, second] = bed.thingWithJobs('thing-1', 2);
      const withDocument = await client.describeJobExecution('thing-1', second!);
      expect(withDocument.execution).toMatchObject({ jobId: second, status: 'QUEUED', jobDocument: { op: '1' } });
      // The official JS SDK drops `includeJobDocument: false`; it must reach the wire.
      const withoutDocument = await client.describeJobExecution('thing-1', second!, { includeJobDocument: false });
      expect(withoutDocument.execution?.jobId).toBe(second);
      expect(withoutDocument.execution).not.toHaveProperty('jobDocument');
      const next = await client.describeJobExecution('thing-1', '$next');
      expect(next.execution?.jobId).toBe(first);
    });

    test('rejected: ResourceNotFound for an unknown job', async () => {
      const { bed, client } = await start();
      bed.thingWithJobs('thing-1', 1);
      const error = await client.describeJobExecution('thing-1', 'no-such-job').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobsRejectedError);
      expect(error).toMatchObject({ code: 'ResourceNotFound', executionState: undefined });
    });
  });

  describe('updateJobExecution', () => {
    test('accepted: the reply has the execution state when asked for it', async () => {
      const { bed, client } = await start();
      const [jobId] = bed.thingWithJobs('thing-1', 1);
      const plain = await client.updateJobExecution('thing-1', jobId!, { status: 'IN_PROGRESS', expectedVersion: 1 });
      expect(plain.executionState).toBeUndefined();
      const withState = await client.updateJobExecution('thing-1', jobId!, {
        status: 'IN_PROGRESS',
        statusDetails: { progress: '50' },
        expectedVersion: 2,
        includeJobExecutionState: true,
      });
      expect(withState.executionState).toEqual({ status: 'IN_PROGRESS', statusDetails: { progress: '50' }, versionNumber: 3 });
    });

    test('rejected: VersionMismatch and InvalidStateTransition carry the execution state', async () => {
      const { bed, client } = await start();
      const [jobId] = bed.thingWithJobs('thing-1', 1);
      const mismatch = await client.updateJobExecution('thing-1', jobId!, { status: 'IN_PROGRESS', expectedVersion: 7 }).catch((e: unknown) => e);
      expect(mismatch).toBeInstanceOf(JobsRejectedError);
      expect(mismatch).toMatchObject({ code: 'VersionMismatch', executionState: { status: 'QUEUED', versionNumber: 1 } });
      await client.updateJobExecution('thing-1', jobId!, { status: 'SUCCEEDED' });
      await expect(client.updateJobExecution('thing-1', jobId!, { status: 'IN_PROGRESS' })).rejects.toMatchObject({
        code: 'InvalidStateTransition',
        executionState: { status: 'SUCCEEDED' },
      });
    });
  });

  test('invalid arguments are refused before anything is subscribed or published', async () => {
    const { bed, client } = await start();
    bed.thingWithJobs('thing-1', 1);
    const log = debugLog();
    const watched = new JobsClient(client.connection, { onDebug: log.onDebug });
    bed.clients.push(watched);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['thingName', () => watched.getPendingJobExecutions('bad/thing')],
      ['thingName', () => watched.getPendingJobExecutions('')],
      ['jobId', () => watched.updateJobExecution('thing-1', '$next', { status: 'SUCCEEDED' })],
      ['jobId', () => watched.describeJobExecution('thing-1', '+')],
      ['status', () => watched.updateJobExecution('thing-1', 'job', { status: 'QUEUED' as 'SUCCEEDED' })],
      ['statusDetails.step', () => watched.startNextPendingJobExecution('thing-1', { statusDetails: { step: '' } })],
      ['stepTimeoutInMinutes', () => watched.startNextPendingJobExecution('thing-1', { stepTimeoutInMinutes: -1 })],
      ['stepTimeoutInMinutes', () => watched.updateJobExecution('thing-1', 'job', { status: 'IN_PROGRESS', stepTimeoutInMinutes: 10_081 })],
      ['expectedVersion', () => watched.updateJobExecution('thing-1', 'job', { status: 'IN_PROGRESS', expectedVersion: 1.5 })],
      ['includeJobDocument', () => watched.describeJobExecution('thing-1', 'job', { includeJobDocument: 'no' as unknown as boolean })],
      ['clientToken', () => watched.getPendingJobExecutions('thing-1', { clientToken: 'x'.repeat(65) })],
      ['timeoutMs', () => watched.getPendingJobExecutions('thing-1', {}, { timeoutMs: -1 })],
      ['signal', () => watched.getPendingJobExecutions('thing-1', {}, { signal: {} as AbortSignal })],
      ['request', () => watched.getPendingJobExecutions('thing-1', null as unknown as object)],
      ['thingName', () => watched.watch('a#b')],
    ];
    for (const [field, run] of cases) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ field });
    }
    expect(log.events).toEqual([]);
    expect(watched.subscriptionCount).toBe(0);
  });

  test('an encoded request over 128 KiB is refused before sending', async () => {
    const { bed, client } = await start();
    bed.thingWithJobs('thing-1', 1);
    const statusDetails = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    await expect(client.startNextPendingJobExecution('thing-1', { statusDetails })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'request' });
  });

  test('notify and notify-next of a watched thing arrive as typed events; other things are ignored', async () => {
    const { bed, client } = await start();
    bed.thingWithJobs('thing-1', 0);
    bed.thingWithJobs('thing-2', 0);
    await client.watch('thing-1');
    await client.watch('thing-1'); // idempotent: one subscription set
    const notified: string[] = [];
    client.events.on('notify', ({ thingName }) => notified.push(thingName));
    const notify = nextEvent(client, 'notify');
    const notifyNext = nextEvent(client, 'notify-next');
    bed.simulator.createJob({ jobId: 'job-a', targets: ['thing-1', 'thing-2'], document: '{"op":"x"}' });
    expect(await notify).toEqual({
      thingName: 'thing-1',
      notification: { timestamp: expect.any(Number), jobs: { QUEUED: [expect.objectContaining({ jobId: 'job-a', versionNumber: 1 })] } },
    });
    expect(await notifyNext).toMatchObject({ thingName: 'thing-1', notification: { execution: { jobId: 'job-a', status: 'QUEUED', jobDocument: { op: 'x' } } } });
    // A round trip after the notifications: nothing for thing-2 was emitted.
    await client.getPendingJobExecutions('thing-1');
    expect(notified).toEqual(['thing-1']);
    expect(client.subscriptionCount).toBe(6);
  });
});

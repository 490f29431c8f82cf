/**
 * Replies the simulator never sends (unknown tokens, replies on another
 * thing's topic, malformed payloads), played by a raw MQTT client standing in
 * for the service. Accepted, rejected and concurrency paths run against the
 * simulator in the other suites.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { JobsClient } from '../../lib/client/jobs-client.js';
import { JobsError, MalformedMessageError } from '../../lib/errors.js';
import { RawService, TestBed, TRANSPORTS, debugWaiter, isIgnoredReply, nextEvent } from './support.js';

describe.each(TRANSPORTS)('correlation over %s, with a hand-played service', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function start(): Promise<{ service: RawService; client: JobsClient; debug: ReturnType<typeof debugWaiter> }> {
    bed = await TestBed.start({ sim: false });
    const service = await RawService.start(bed.broker);
    const debug = debugWaiter();
    const { client } = await bed.client(transport, { onDebug: debug.onDebug });
    return { service, client, debug };
  }

  test('replies with an unknown token, no token, or on the wrong topic settle nothing; the right one settles the call', async () => {
    const { service, client, debug } = await start();
    await client.watch('thing-2'); // so that thing-2's reply topics reach the client too
    const call = client.getPendingJobExecutions('thing-1');
    const request = await service.nextRequest();
    expect(request.topic).toBe('$aws/things/thing-1/jobs/get');
    const token = request.payload.clientToken as string;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const reply = { inProgressJobs: [], queuedJobs: [], timestamp: 1_700_000_000 };

    const ignored = [debug.next(isIgnoredReply)];
    await service.reply('$aws/things/thing-1/jobs/get/accepted', { ...reply, clientToken: 'someone-else' });
    expect(await ignored[0]).toMatchObject({ reason: 'unknown-token', clientToken: 'someone-else' });
    ignored.push(debug.next(isIgnoredReply));
    await service.reply('$aws/things/thing-1/jobs/get/accepted', reply);
    expect(await ignored[1]).toMatchObject({ reason: 'no-token', clientToken: undefined });
    ignored.push(debug.next(isIgnoredReply));
    await service.reply('$aws/things/thing-2/jobs/get/accepted', { ...reply, clientToken: token });
    expect(await ignored[2]).toMatchObject({ reason: 'wrong-topic', clientToken: token, topic: '$aws/things/thing-2/jobs/get/accepted' });
    ignored.push(debug.next(isIgnoredReply));
    await service.reply('$aws/things/thing-1/jobs/start-next/accepted', { timestamp: 1, clientToken: token });
    expect(await ignored[3]).toMatchObject({ reason: 'wrong-topic' });
    expect(client.pendingCount).toBe(1);

    await service.reply('$aws/things/thing-1/jobs/get/accepted', { ...reply, queuedJobs: [{ jobId: 'j', queuedAt: 1, lastUpdatedAt: 1, versionNumber: 1, executionNumber: 1 }], clientToken: token });
    expect((await call).queuedJobs.map((job) => job.jobId)).toEqual(['j']);
  });

  test('a malformed accepted or rejected reply with a known token rejects that call at once with MalformedMessageError', async () => {
    const { service, client } = await start();
    const accepted = client.describeJobExecution('thing-1', 'job-1').catch((e: unknown) => e);
    const first = await service.nextRequest();
    await service.reply('$aws/things/thing-1/jobs/job-1/get/accepted', { clientToken: first.payload.clientToken, timestamp: 'soon' });
    const error = await accepted;
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect(error).toMatchObject({ topic: '$aws/things/thing-1/jobs/job-1/get/accepted' });

    const rejected = client.updateJobExecution('thing-1', 'job-1', { status: 'SUCCEEDED' }).catch((e: unknown) => e);
    const second = await service.nextRequest();
    expect(second.payload).toEqual({ status: 'SUCCEEDED', clientToken: second.payload.clientToken });
    await service.reply('$aws/things/thing-1/jobs/job-1/update/rejected', { clientToken: second.payload.clientToken, code: 'NoSuchCode', timestamp: 1 });
    expect(await rejected).toBeInstanceOf(MalformedMessageError);
    expect(client.pendingCount).toBe(0);
  });

  test('a reply that is not JSON is reported as an error event, never thrown, and the call still gets its reply', async () => {
    const { service, client } = await start();
    const call = client.getPendingJobExecutions('thing-1');
    const request = await service.nextRequest();
    const error = nextEvent(client, 'error');
    await service.reply('$aws/things/thing-1/jobs/get/accepted', 'not json {');
    expect(await error).toBeInstanceOf(MalformedMessageError);
    await service.reply('$aws/things/thing-1/jobs/get/accepted', { inProgressJobs: [], queuedJobs: [], timestamp: 1, clientToken: request.payload.clientToken });
    await expect(call).resolves.toMatchObject({ queuedJobs: [] });
  });

  test('a malformed notification of a watched thing is an error event; a throwing listener is reported, not thrown', async () => {
    const { service, client, debug } = await start();
    await client.watch('thing-1');
    const malformed = nextEvent(client, 'error');
    await service.reply('$aws/things/thing-1/jobs/notify', { timestamp: 1, jobs: { QUEUED: 'not a list' } });
    expect(await malformed).toBeInstanceOf(MalformedMessageError);

    client.events.on('notify-next', () => {
      throw new Error('listener bug');
    });
    const reported = nextEvent(client, 'error');
    await service.reply('$aws/things/thing-1/jobs/notify-next', { timestamp: 1 });
    const error = await reported;
    expect(error).toBeInstanceOf(JobsError);
    expect((error.cause as Error).message).toBe('listener bug');
    expect(debug.events.some((event) => event.type === 'listener-error' && event.event === 'notify-next')).toBe(true);
    // The client still works.
    const call = client.getPendingJobExecutions('thing-1');
    const request = await service.nextRequest();
    await service.reply('$aws/things/thing-1/jobs/get/rejected', { code: 'InvalidRequest', message: 'no', clientToken: request.payload.clientToken, timestamp: 1 });
    await expect(call).rejects.toMatchObject({ name: 'JobsRejectedError', code: 'InvalidRequest', clientToken: request.payload.clientToken });
  });

  test("includeJobDocument: false, expectedVersion: 0 and the caller's token reach the wire as given", async () => {
    const { service, client } = await start();
    void client.describeJobExecution('thing-1', 'job-1', { includeJobDocument: false, executionNumber: 0, clientToken: 'mine' }, { timeoutMs: Infinity }).catch(() => undefined);
    expect((await service.nextRequest()).payload).toEqual({ includeJobDocument: false, executionNumber: 0, clientToken: 'mine' });
    void client.updateJobExecution('thing-1', 'job-1', { status: 'FAILED', expectedVersion: 0, includeJobDocument: false }).catch(() => undefined);
    const update = await service.nextRequest();
    expect(update.payload).toEqual({ status: 'FAILED', expectedVersion: 0, includeJobDocument: false, clientToken: update.payload.clientToken });
  });
});

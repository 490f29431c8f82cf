import { getEventListeners, setMaxListeners } from 'node:events';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { JobsRejectedError } from '../../lib/errors.js';
import { FAKE_TIMERS, TestBed, TRANSPORTS } from './support.js';
import { scaled } from '../reliability/scale.js';

/** Timers alive in this process (p-timeout's included). */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe.each(TRANSPORTS)('concurrent calls over %s, against the simulator', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    jest.useRealTimers();
    await bed?.close();
    bed = undefined;
  });

  test('100 concurrent requests for one thing each settle with their own reply', async () => {
    bed = await TestBed.start();
    const { client } = await bed.client(transport);
    const jobIds = bed.thingWithJobs('thing-1', 20);
    const requests = Array.from({ length: 100 }, (_, i) => ({ jobId: jobIds[i % 20]!, clientToken: i % 2 === 0 ? `token-${i}` : undefined }));
    const replies = await Promise.all(
      requests.map(({ jobId, clientToken }) =>
        client.describeJobExecution('thing-1', jobId, clientToken === undefined ? { includeJobDocument: false } : { clientToken, includeJobDocument: false }),
      ),
    );
    replies.forEach((reply, i) => {
      expect(reply.execution?.jobId).toBe(requests[i]!.jobId);
      if (requests[i]!.clientToken !== undefined) expect(reply.clientToken).toBe(requests[i]!.clientToken);
    });
    expect(new Set(replies.map((reply) => reply.clientToken)).size).toBe(100);
    expect(client.pendingCount).toBe(0);
  });

  test('100 concurrent requests across 10 things, accepted and rejected mixed, each settle with their own outcome', async () => {
    // 10 things in the per-thing mode need 60 filters: past AWS's 50, so a raised quota on both sides.
    bed = await TestBed.start({ sim: { subscriptionQuotas: { subscriptionsPerConnection: 60 } } });
    const { client } = await bed.client(transport, { maxSubscriptions: 60 });
    const things = Array.from({ length: 10 }, (_, i) => `thing-${i}`);
    for (const thing of things) bed.thingWithJobs(thing, 1);
    const calls = Array.from({ length: 100 }, (_, i) => {
      const thing = things[i % 10]!;
      switch (Math.floor(i / 10) % 3) {
        case 0:
          return client.describeJobExecution(thing, '$next').then((reply) => `${thing}:${reply.execution?.jobId}`);
        case 1:
          return client.getPendingJobExecutions(thing).then((reply) => `${thing}:${reply.queuedJobs.map((job) => job.jobId).join()}`);
        default:
          return client.describeJobExecution(thing, `missing-${i}`).catch((error: unknown) => {
            expect(error).toBeInstanceOf(JobsRejectedError);
            return `${thing}:${(error as JobsRejectedError).code}`;
          });
      }
    });
    const outcomes = await Promise.all(calls);
    outcomes.forEach((outcome, i) => {
      const thing = things[i % 10]!;
      expect(outcome).toBe(Math.floor(i / 10) % 3 === 2 ? `${thing}:ResourceNotFound` : `${thing}:${thing}-job-0`);
    });
  });

  test('under fake timers: one timer per call in flight, none once they settle', async () => {
    bed = await TestBed.start();
    const { client } = await bed.client(transport);
    bed.thingWithJobs('thing-1', 1);
    jest.useFakeTimers(FAKE_TIMERS);
    const calls = Array.from({ length: 100 }, () => client.getPendingJobExecutions('thing-1'));
    expect(jest.getTimerCount()).toBe(100);
    await Promise.all(calls);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('no listener, timer or table entry outlives its call', () => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  const batches = scaled(100, 10);
  test(`after ${batches * 100} calls (10,000 under npm run soak)`, async () => {
    // 10 things in the per-thing mode need 60 filters: past AWS's 50, so a raised quota on both sides.
    bed = await TestBed.start({ sim: { subscriptionQuotas: { subscriptionsPerConnection: 60 } } });
    const { client, device } = await bed.client('async-mqtt', { maxSubscriptions: 60 });
    const things = Array.from({ length: 10 }, (_, i) => `thing-${i}`);
    for (const thing of things) bed.thingWithJobs(thing, 1);
    // Half the things are watched (subscriptions kept), half are not (subscribed per batch of calls).
    for (const thing of things.slice(0, 5)) await client.watch(thing);
    const listeners = ['message', 'connect', 'close'].map((event) => device.emitter.listenerCount(event));
    const timers = activeTimers();
    const controller = new AbortController();
    setMaxListeners(100, controller.signal); // one signal shared by 100 calls at a time
    let rejected = 0;
    for (let batch = 0; batch < batches; batch += 1) {
      const calls = Array.from({ length: 100 }, (_, i) => {
        const thing = things[i % 10]!;
        return i % 4 === 3
          ? client.describeJobExecution(thing, 'missing', {}, { signal: controller.signal }).catch(() => (rejected += 1))
          : client.describeJobExecution(thing, '$next', { includeJobDocument: false }, { signal: controller.signal });
      });
      await Promise.all(calls);
    }
    expect(rejected).toBe(batches * 25);
    expect(client.pendingCount).toBe(0);
    expect(['message', 'connect', 'close'].map((event) => device.emitter.listenerCount(event))).toEqual(listeners);
    // Process-wide: other parties' transient timers may start or end meanwhile; a leak would show one per call.
    expect(activeTimers()).toBeLessThanOrEqual(timers + 2);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(client.subscriptionCount).toBe(30);
  });
});

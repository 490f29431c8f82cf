import { afterEach, describe, expect, test } from '@jest/globals';
import { SubscriptionRefusedError } from '../../lib/errors.js';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { thingFilters } from '../../lib/protocol/topics.js';
import { TestBed, TRANSPORTS, debugLog, nextEvent, type AuthorizeSubscribe } from './support.js';

describe.each(TRANSPORTS)('subscriptions over %s', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  test('per thing: six filters per thing in use, subscribed once before the first publish and reused', async () => {
    bed = await TestBed.start();
    const log = debugLog();
    const { client } = await bed.client(transport, { onDebug: log.onDebug });
    for (const thing of ['thing-1', 'thing-2', 'thing-3']) bed.thingWithJobs(thing, 1);
    await client.watch('thing-1');
    await client.watch('thing-2');
    await client.watch('thing-3');
    expect(client.subscriptionCount).toBe(18);
    for (let i = 0; i < 5; i += 1) await client.getPendingJobExecutions('thing-1');
    const subscribes = log.events.filter((event) => event.type === 'subscribe');
    expect(subscribes).toHaveLength(3);
    expect(subscribes[0]).toEqual({ type: 'subscribe', filters: thingFilters('thing-1'), granted: [1, 1, 1, 1, 1, 1] });
    // The subscribe came before the first publish for that thing.
    const firstPublish = log.events.findIndex((event) => event.type === 'publish');
    expect(log.events.findIndex((event) => event.type === 'subscribe')).toBeLessThan(firstPublish);

    await client.unwatch('thing-3');
    expect(client.subscriptionCount).toBe(12);
    expect(log.events.at(-1)).toEqual({ type: 'unsubscribe', filters: thingFilters('thing-3') });
    await client.unwatch('thing-3'); // not watched any more: nothing happens
    expect(client.subscriptionCount).toBe(12);
  });

  test('a thing not watched is subscribed for its calls only, and unsubscribed after the last one', async () => {
    bed = await TestBed.start();
    const log = debugLog();
    const { client } = await bed.client(transport, { onDebug: log.onDebug });
    bed.thingWithJobs('thing-1', 1);
    const calls = [client.getPendingJobExecutions('thing-1'), client.describeJobExecution('thing-1', '$next')];
    await Promise.all(calls);
    expect(client.subscriptionCount).toBe(0);
    // A round trip on another thing: by then the unsubscribe of thing-1 was sent and acknowledged.
    bed.thingWithJobs('thing-2', 0);
    await client.watch('thing-2');
    const kinds = log.events.filter((event) => event.type === 'subscribe' || event.type === 'unsubscribe').map((event) => [event.type, event.filters[0]]);
    expect(kinds).toEqual([
      ['subscribe', '$aws/things/thing-1/jobs/get/+'],
      ['unsubscribe', '$aws/things/thing-1/jobs/get/+'],
      ['subscribe', '$aws/things/thing-2/jobs/get/+'],
    ]);
  });

  test('wildcard (gateway) mode: six filters whatever the number of things', async () => {
    bed = await TestBed.start();
    const { client } = await bed.client(transport, { subscriptions: 'wildcard' });
    const things = Array.from({ length: 10 }, (_, i) => `gw-thing-${i}`);
    for (const thing of things) bed.thingWithJobs(thing, 1);
    for (const thing of things) await client.watch(thing);
    expect(client.subscriptionCount).toBe(6);
    const replies = await Promise.all(things.map((thing) => client.describeJobExecution(thing, '$next')));
    expect(replies.map((reply) => reply.execution?.jobId)).toEqual(things.map((thing) => `${thing}-job-0`));
    expect(client.subscriptionCount).toBe(6);
    // Notifications of watched things only.
    const notify = nextEvent(client, 'notify');
    bed.simulator.createJob({ jobId: 'second', targets: ['gw-thing-7'], document: '{}' });
    expect(await notify).toMatchObject({ thingName: 'gw-thing-7' });
    await client.unwatch('gw-thing-7');
    expect(client.subscriptionCount).toBe(6);
  });

  test('a refused subscription rejects the call and the watch with SubscriptionRefusedError, not a hang', async () => {
    const refused = '$aws/things/locked/jobs/notify-next';
    const authorizeSubscribe: AuthorizeSubscribe = (_client, subscription, callback) => callback(null, subscription.topic === refused ? null : subscription);
    bed = await TestBed.start({ authorizeSubscribe });
    const log = debugLog();
    const { client } = await bed.client(transport, { onDebug: log.onDebug });
    bed.thingWithJobs('locked', 1);
    bed.thingWithJobs('open', 1);
    const error = await client.getPendingJobExecutions('locked').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionRefusedError);
    expect(error).toMatchObject({ filters: [refused] });
    expect(log.events.find((event) => event.type === 'subscribe')).toMatchObject({ granted: [1, 1, 1, 1, 1, 128] });
    // Nothing was published, and the five granted filters were given back.
    expect(log.events.some((event) => event.type === 'publish')).toBe(false);
    expect(log.events.find((event) => event.type === 'unsubscribe')).toEqual({ type: 'unsubscribe', filters: thingFilters('locked').slice(0, 5) });
    await expect(client.watch('locked')).rejects.toThrow(SubscriptionRefusedError);
    expect(client.subscriptionCount).toBe(0);
    // Other things are unaffected.
    await expect(client.startNextPendingJobExecution('open')).resolves.toMatchObject({ execution: { jobId: 'open-job-0' } });
  });

  test('JobsClient.for shares one client per connection, and replaces a closed one', async () => {
    bed = await TestBed.start();
    const { device } = await bed.client(transport);
    const shared = JobsClient.for(device.connection, { subscriptions: 'wildcard' });
    expect(JobsClient.for(device.connection)).toBe(shared);
    await shared.close();
    const replaced = JobsClient.for(device.connection);
    expect(replaced).not.toBe(shared);
    bed.clients.push(replaced);
    bed.thingWithJobs('thing-1', 1);
    await expect(replaced.getPendingJobExecutions('thing-1')).resolves.toMatchObject({ queuedJobs: [{ jobId: 'thing-1-job-0' }] });
  });
});

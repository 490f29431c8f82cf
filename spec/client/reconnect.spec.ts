import { afterEach, describe, expect, test } from '@jest/globals';
import { ConnectionClosedError } from '../../lib/errors.js';
import { TestBed, TRANSPORTS, debugLog, nextEvent } from './support.js';

describe.each(TRANSPORTS)('reconnect over %s', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  test.each([
    // mqtt.js's own re-subscribe off: only the Jobs client can renew the subscriptions.
    ['off', false],
    // On (mqtt.js's default): both renew them, and nothing breaks on a broker without AWS's limit of 8 filters per
    // SUBSCRIBE: mqtt.js re-subscribes all 12 filters in one SUBSCRIBE, which AWS IoT Core (and the simulator) refuse.
    ['on', true],
  ])('without a session (mqtt.js re-subscribe %s): calls in flight fail, every subscription is renewed, then reconnect is emitted', async (_, resubscribe) => {
    bed = await TestBed.start(resubscribe ? { sim: { subscriptionQuotas: false } } : {});
    const log = debugLog();
    const { client, device } = await bed.client(transport, { onDebug: log.onDebug }, { reconnectPeriod: 20, resubscribe });
    bed.thingWithJobs('thing-1', 1);
    bed.thingWithJobs('thing-2', 0);
    await client.watch('thing-1');
    await client.watch('thing-2');
    bed.simulator.faults.dropReplies({ operation: 'getPending' });
    const inFlight = client.getPendingJobExecutions('thing-1').catch((e: unknown) => e);
    const reconnected = nextEvent(client, 'reconnect');
    bed.simulator.faults.disconnectClient(device.clientId);
    expect(await inFlight).toBeInstanceOf(ConnectionClosedError);
    expect(await reconnected).toEqual({ sessionPresent: false });
    expect(log.events.find((event) => event.type === 'resubscribe')).toMatchObject({ sessionPresent: false, filters: expect.arrayContaining(['$aws/things/thing-2/jobs/notify']) });
    expect(client.subscriptionCount).toBe(12);
    // What the layer above does on 'reconnect': read the state again.
    await expect(client.getPendingJobExecutions('thing-1')).resolves.toMatchObject({ queuedJobs: [{ jobId: 'thing-1-job-0' }] });
    // The renewed subscriptions deliver notifications again.
    const notify = nextEvent(client, 'notify');
    bed.simulator.createJob({ jobId: 'after-reconnect', targets: ['thing-2'], document: '{}' });
    expect(await notify).toMatchObject({ thingName: 'thing-2', notification: { jobs: { QUEUED: [{ jobId: 'after-reconnect' }] } } });
  });

  test('with a session kept by the broker: reconnect is emitted with sessionPresent and nothing is re-subscribed', async () => {
    bed = await TestBed.start();
    const log = debugLog();
    const { client, device } = await bed.client(transport, { onDebug: log.onDebug }, { reconnectPeriod: 20, resubscribe: false, clean: false });
    bed.thingWithJobs('thing-1', 0);
    await client.watch('thing-1');
    const subscribesBefore = log.events.filter((event) => event.type === 'subscribe').length;
    const reconnected = nextEvent(client, 'reconnect');
    bed.simulator.faults.disconnectClient(device.clientId);
    expect(await reconnected).toEqual({ sessionPresent: true });
    expect(log.events.filter((event) => event.type === 'subscribe')).toHaveLength(subscribesBefore);
    const notify = nextEvent(client, 'notify');
    bed.simulator.createJob({ jobId: 'kept', targets: ['thing-1'], document: '{}' });
    expect(await notify).toMatchObject({ thingName: 'thing-1' });
  });
});

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { ConnectionClosedError, JobsAbortError, JobsTimeoutError } from '../../lib/errors.js';
import { FAKE_TIMERS, TestBed, TRANSPORTS, ManualClock, debugWaiter, isIgnoredReply } from './support.js';


describe.each(TRANSPORTS)('every call settles exactly once, over %s', (transport) => {
  let bed: TestBed | undefined;
  afterEach(async () => {
    jest.useRealTimers();
    await bed?.close();
    bed = undefined;
  });

  test('timeout: a lost reply rejects with JobsTimeoutError after timeoutMs, leaving no timer', async () => {
    bed = await TestBed.start();
    const { client } = await bed.client(transport);
    bed.thingWithJobs('thing-1', 1);
    bed.simulator.faults.dropReplies({ operation: 'getPending' });
    jest.useFakeTimers(FAKE_TIMERS);
    let settled = false;
    const call = client
      .getPendingJobExecutions('thing-1', {}, { timeoutMs: 2_000 })
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await call;
    expect(error).toBeInstanceOf(JobsTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 2_000, message: 'getPendingJobExecutions(thing-1) got no reply within 2000 ms' });
    expect(jest.getTimerCount()).toBe(0);
    expect(client.pendingCount).toBe(0);
  });

  test('the client-wide default timeout applies, and each call can override it', async () => {
    bed = await TestBed.start();
    const { client } = await bed.client(transport, { timeoutMs: 500 });
    bed.thingWithJobs('thing-1', 1);
    bed.simulator.faults.dropReplies({ operation: 'getPending' }, 2);
    jest.useFakeTimers(FAKE_TIMERS);
    const byDefault = client.getPendingJobExecutions('thing-1').catch((e: unknown) => e);
    const longer = client.getPendingJobExecutions('thing-1', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(500);
    expect(await byDefault).toMatchObject({ name: 'JobsTimeoutError', timeoutMs: 500 });
    expect(client.pendingCount).toBe(1);
    await jest.advanceTimersByTimeAsync(4_500);
    expect(await longer).toMatchObject({ name: 'JobsTimeoutError', timeoutMs: 5_000 });
  });

  test('abort: an aborted signal rejects before sending; an abort in flight rejects at once and removes its listener', async () => {
    bed = await TestBed.start();
    const debug = debugWaiter();
    const { client } = await bed.client(transport, { onDebug: debug.onDebug });
    bed.thingWithJobs('thing-1', 1);
    const reason = new Error('user gave up');
    const error = await client.getPendingJobExecutions('thing-1', {}, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobsAbortError);
    expect((error as Error).cause).toBe(reason);
    expect(debug.events).toEqual([]);

    bed.simulator.faults.dropReplies({ operation: 'getPending' });
    const controller = new AbortController();
    const published = debug.next((event) => event.type === 'publish');
    const call = client.getPendingJobExecutions('thing-1', {}, { signal: controller.signal });
    await published;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(call).rejects.toThrow(JobsAbortError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(client.pendingCount).toBe(0);
    // The signal of a call that settled normally keeps no listener either.
    const kept = new AbortController();
    await client.getPendingJobExecutions('thing-1', {}, { signal: kept.signal });
    expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
  });

  test('close: calls in flight reject with ConnectionClosedError, listeners are removed, later calls fail at once', async () => {
    bed = await TestBed.start();
    const { client, device } = await bed.client(transport);
    const before = ['message', 'connect', 'close'].map((event) => device.emitter.listenerCount(event));
    bed.thingWithJobs('thing-1', 2);
    await client.watch('thing-1');
    client.events.on('notify', () => undefined);
    bed.simulator.faults.dropReplies({ thingName: 'thing-1' }, 3);
    const calls = [
      client.getPendingJobExecutions('thing-1'),
      client.describeJobExecution('thing-1', '$next'),
      client.startNextPendingJobExecution('thing-1'),
    ].map((call) => call.catch((e: unknown) => e));
    expect(client.pendingCount).toBe(3);
    await client.close();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(client.pendingCount).toBe(0);
    expect(client.events.all.size).toBe(0);
    const after = ['message', 'connect', 'close'].map((event) => device.emitter.listenerCount(event));
    // The client's own (message, close) and its connection's subscription registry's (connect, close), whose last user it was.
    expect(after).toEqual([before[0]! - 1, before[1]! - 1, before[2]! - 2]);
    await expect(client.getPendingJobExecutions('thing-1')).rejects.toThrow(ConnectionClosedError);
    await expect(client.watch('thing-1')).rejects.toThrow(ConnectionClosedError);
    await client.close(); // twice is fine
  });

  test('connection loss: calls in flight reject with ConnectionClosedError, not a timeout', async () => {
    bed = await TestBed.start();
    const { client, device } = await bed.client(transport);
    bed.thingWithJobs('thing-1', 1);
    bed.simulator.faults.dropReplies({ operation: 'getPending' });
    const call = client.getPendingJobExecutions('thing-1').catch((e: unknown) => e);
    const watching = client.watch('thing-2').catch((e: unknown) => e);
    expect(bed.simulator.faults.disconnectClient(device.clientId)).toBe(true);
    expect(await call).toBeInstanceOf(ConnectionClosedError);
    expect(await watching).toBeInstanceOf(ConnectionClosedError);
    await expect(client.getPendingJobExecutions('thing-1')).rejects.toThrow(ConnectionClosedError);
    expect(client.pendingCount).toBe(0);
  });

  test('duplicate reply: the call settles once with the first, the copy is reported as a duplicate', async () => {
    bed = await TestBed.start();
    const debug = debugWaiter();
    const { client } = await bed.client(transport, { onDebug: debug.onDebug });
    const [jobId] = bed.thingWithJobs('thing-1', 1);
    bed.simulator.faults.duplicateReplies({ operation: 'update' });
    const duplicate = debug.next(isIgnoredReply);
    const reply = await client.updateJobExecution('thing-1', jobId!, { status: 'IN_PROGRESS', includeJobExecutionState: true });
    expect(reply.executionState?.versionNumber).toBe(2);
    expect(await duplicate).toEqual({
      type: 'ignored-reply',
      topic: `$aws/things/thing-1/jobs/${jobId}/update/accepted`,
      clientToken: reply.clientToken,
      reason: 'duplicate',
      previousOutcome: 'accepted',
    });
    // The next call gets its own reply, not the copy.
    const next = await client.updateJobExecution('thing-1', jobId!, { status: 'IN_PROGRESS', includeJobExecutionState: true });
    expect(next.executionState?.versionNumber).toBe(3);
  });

  test('late reply: a reply after the timeout settles nothing and is reported as late', async () => {
    const clock = new ManualClock();
    bed = await TestBed.start({ sim: { clock } });
    const debug = debugWaiter();
    const { client } = await bed.client(transport, { onDebug: debug.onDebug });
    bed.thingWithJobs('thing-1', 1);
    bed.simulator.faults.delayReplies({ operation: 'describe' }, 1, 5_000);
    jest.useFakeTimers(FAKE_TIMERS);
    const call = client.describeJobExecution('thing-1', '$next', {}, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    await clock.scheduled(); // the request reached the simulator, whose reply waits 5 s
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await call).toBeInstanceOf(JobsTimeoutError);
    const late = debug.next(isIgnoredReply);
    clock.advance(5_000);
    expect(await late).toMatchObject({ reason: 'late', previousOutcome: 'timed-out', topic: '$aws/things/thing-1/jobs/$next/get/accepted' });
    await expect(client.describeJobExecution('thing-1', '$next')).resolves.toMatchObject({ execution: { jobId: 'thing-1-job-0' } });
  });
});

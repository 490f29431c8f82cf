/** Fault injection: dropped, delayed and duplicated replies, injected rejections, disconnects. */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { ManualClock, queueJob, startHarness, type Harness } from './helpers.js';

let harness: Harness;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  harness = await startHarness({ clock });
  queueJob(harness.simulator, 'job1', ['t1']);
});
afterEach(async () => {
  await harness.close();
});

test('dropReplies: the request takes effect, its reply is lost; the next one is answered', async () => {
  const device = await harness.device('t1', { subscribe: false });
  harness.simulator.faults.dropReplies({ thingName: 't1', operation: 'update' }, 1);
  await device.publish('/job1/update', { status: 'IN_PROGRESS', clientToken: 'lost' });
  await device.expectNothingElse();
  expect(harness.simulator.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.versionNumber).toBe(2);
  const reply = await device.request('/job1/update', { status: 'IN_PROGRESS', expectedVersion: 2, clientToken: 'kept' });
  expect(reply.payload).toMatchObject({ clientToken: 'kept' });
});

test('delayReplies: the reply comes when the simulator clock has advanced', async () => {
  const device = await harness.device('t1', { subscribe: false });
  harness.simulator.faults.delayReplies({ operation: 'describe' }, 1, 5000);
  await device.publish('/job1/get', { clientToken: 'slow' });
  await device.expectNothingElse();
  clock.advance(4999);
  await device.expectNothingElse();
  clock.advance(1);
  const reply = await device.next();
  expect(reply).toMatchObject({ topic: device.topic('/job1/get/accepted'), payload: { clientToken: 'slow' } });
  await device.expectNothingElse();
});

test('duplicateReplies: the same reply twice', async () => {
  const device = await harness.device('t1', { subscribe: false });
  harness.simulator.faults.duplicateReplies({ thingName: 't1', operation: 'startNext' }, 1);
  const first = await device.request('/start-next', { clientToken: 'twice' });
  const second = await device.next();
  expect(second.raw).toBe(first.raw);
  await device.expectNothingElse();
});

test('rejectNext: RequestThrottled then InternalError, with the clientToken and without effect; then normal service', async () => {
  const device = await harness.device('t1', { subscribe: false });
  harness.simulator.faults.rejectNext({ thingName: 't1', operation: 'update' }, 1, 'RequestThrottled');
  harness.simulator.faults.rejectNext({ thingName: 't1' }, 1, 'InternalError');
  const throttled = await device.request('/job1/update', { status: 'SUCCEEDED', clientToken: 'a' });
  expect(throttled).toMatchObject({ topic: device.topic('/job1/update/rejected'), payload: { code: 'RequestThrottled', clientToken: 'a' } });
  expect(throttled.payload).not.toHaveProperty('executionState');
  const internal = await device.request('/job1/update', { status: 'SUCCEEDED', clientToken: 'b' });
  expect(internal.payload).toMatchObject({ code: 'InternalError', clientToken: 'b' });
  expect(harness.simulator.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.status).toBe('QUEUED');
  expect((await device.request('/job1/update', { status: 'SUCCEEDED' })).topic).toBe(device.topic('/job1/update/accepted'));
});

test('faults match by thing: another thing is served normally', async () => {
  queueJob(harness.simulator, 'job2', ['t2']);
  harness.simulator.faults.rejectNext({ thingName: 't2' }, 1, 'RequestThrottled');
  harness.simulator.faults.dropReplies({ thingName: 't2', operation: 'update' }, 1);
  const device = await harness.device('t1', { subscribe: false });
  expect((await device.request('/get')).topic).toBe(device.topic('/get/accepted'));
  const t2 = await harness.device('t2', { subscribe: false });
  expect((await t2.request('/get')).payload.code).toBe('RequestThrottled');
});

test('rejectNext also applies to direct (HTTP data-plane) calls', () => {
  harness.simulator.faults.rejectNext({ operation: 'getPending' }, 1, 'RequestThrottled');
  expect(harness.simulator.getPendingJobExecutions('t1', {})).toEqual({ ok: false, error: { code: 'RequestThrottled', message: expect.any(String) } });
  expect(harness.simulator.getPendingJobExecutions('t1', {}).ok).toBe(true);
});

test('disconnectClient drops that connection only', async () => {
  const victim = await harness.device('t1', { clientId: 'victim', subscribe: false });
  const bystander = await harness.device('t1', { clientId: 'bystander', subscribe: false });
  const closed = new Promise<void>((resolve) => victim.client.once('close', () => resolve()));
  expect(harness.simulator.faults.disconnectClient('victim')).toBe(true);
  await closed;
  expect(victim.client.connected).toBe(false);
  expect(harness.simulator.faults.disconnectClient('nobody')).toBe(false);
  await bystander.expectNothingElse();
});

test('close() cancels delayed replies', async () => {
  const device = await harness.device('t1', { subscribe: false });
  harness.simulator.faults.delayReplies({}, 1, 1000);
  await device.publish('/get', {});
  await device.expectNothingElse();
  expect(clock.pendingTimers).toBe(1);
  await harness.simulator.close();
  expect(clock.pendingTimers).toBe(0);
});

/**
 * Protocol §15 "MQTT request/response", driven with raw async-mqtt clients
 * and raw JSON, plus the request rules of §3 and §4.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DOC, ManualClock, queueJob, startHarness, type Harness, type RawDevice } from './helpers.js';

let harness: Harness;
let clock: ManualClock;
const NOW = 1_719_940_632; // clock starts at 1_719_940_632_789 ms

beforeEach(async () => {
  clock = new ManualClock();
  harness = await startHarness({ clock });
});
afterEach(async () => {
  await harness.close();
});

/** A device that does not listen to notifications, so only replies arrive. */
function quietDevice(thingName = 't1'): Promise<RawDevice> {
  return harness.device(thingName, { subscribe: false });
}

describe('GetPendingJobExecutions', () => {
  test('a fresh thing: empty lists, an integer-second timestamp, no clientToken', async () => {
    const device = await quietDevice();
    const reply = await device.request('/get', {});
    expect(reply.topic).toBe('$aws/things/t1/jobs/get/accepted');
    expect(reply.payload).toEqual({ inProgressJobs: [], queuedJobs: [], timestamp: NOW });
  });

  test('echoes the clientToken', async () => {
    const device = await quietDevice();
    expect((await device.request('/get', { clientToken: 'abc' })).payload).toEqual({ inProgressJobs: [], queuedJobs: [], timestamp: NOW, clientToken: 'abc' });
  });

  test('lists IN_PROGRESS and QUEUED summaries in queue order, times in integer seconds', async () => {
    const device = await quietDevice();
    queueJob(harness.simulator, 'job1', ['t1']);
    clock.advance(1000);
    queueJob(harness.simulator, 'job2', ['t1']);
    await device.request('/start-next');
    clock.advance(1000);
    queueJob(harness.simulator, 'job3', ['t1']);
    expect((await device.request('/get')).payload).toEqual({
      inProgressJobs: [{ jobId: 'job1', queuedAt: NOW, startedAt: NOW + 1, lastUpdatedAt: NOW + 1, executionNumber: 1, versionNumber: 2 }],
      queuedJobs: [
        { jobId: 'job2', queuedAt: NOW + 1, lastUpdatedAt: NOW + 1, executionNumber: 1, versionNumber: 1 },
        { jobId: 'job3', queuedAt: NOW + 2, lastUpdatedAt: NOW + 2, executionNumber: 1, versionNumber: 1 },
      ],
      timestamp: NOW + 2,
    });
  });

  test('the reply goes to the requester only, although it did not subscribe; a subscriber of the reply topic gets nothing', async () => {
    const requester = await quietDevice();
    const eavesdropper = await quietDevice();
    await eavesdropper.client.subscribe('$aws/things/t1/jobs/get/accepted', { qos: 1 });
    const reply = await requester.request('/get', { clientToken: 'mine' });
    expect(reply.payload.clientToken).toBe('mine');
    await requester.expectNothingElse();
    // The eavesdropper's own round trip is the first and only thing it receives.
    await eavesdropper.expectNothingElse();
  });
});

describe('StartNextPendingJobExecution', () => {
  test('nothing pending: accepted without execution', async () => {
    const device = await quietDevice();
    const reply = await device.request('/start-next', { clientToken: 'c1' });
    expect(reply.topic).toBe('$aws/things/t1/jobs/start-next/accepted');
    expect(reply.payload).toEqual({ timestamp: NOW, clientToken: 'c1' });
  });

  test('one QUEUED execution: IN_PROGRESS, versionNumber 2, startedAt set, jobDocument an object; no notification', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    clock.advance(2000);
    const device = await harness.device('t1');
    const reply = await device.request('/start-next', { statusDetails: { step: 'download' } });
    expect(reply.payload).toEqual({
      execution: {
        jobId: 'job1',
        status: 'IN_PROGRESS',
        statusDetails: { step: 'download' },
        queuedAt: NOW,
        startedAt: NOW + 2,
        lastUpdatedAt: NOW + 2,
        versionNumber: 2,
        executionNumber: 1,
        jobDocument: DOC,
      },
      timestamp: NOW + 2,
    });
    await device.expectNothingElse();
  });

  test('again: the same execution, versionNumber still 2, statusDetails unchanged', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await quietDevice();
    const first = await device.request('/start-next', { statusDetails: { step: 'one' } });
    const second = await device.request('/start-next', { statusDetails: { step: 'two' } });
    expect(second.payload).toEqual(first.payload);
    expect(second.payload.execution).toMatchObject({ versionNumber: 2, statusDetails: { step: 'one' } });
  });

  test('validates statusDetails and stepTimeoutInMinutes (-1 is for update only)', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await quietDevice();
    for (const bad of [{ statusDetails: { k: '' } }, { statusDetails: 'x' }, { stepTimeoutInMinutes: -1 }, { stepTimeoutInMinutes: 1.5 }]) {
      const reply = await device.request('/start-next', { ...bad, clientToken: 'v' });
      expect(reply.topic).toBe('$aws/things/t1/jobs/start-next/rejected');
      expect(reply.payload).toMatchObject({ code: 'InvalidRequest', clientToken: 'v', timestamp: NOW });
    }
    expect(harness.simulator.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.status).toBe('QUEUED');
  });
});

describe('DescribeJobExecution', () => {
  test('$next with nothing pending: accepted with the timestamp alone; an empty payload reads as {}', async () => {
    const device = await quietDevice();
    await device.publish('/$next/get', Buffer.alloc(0));
    const reply = await device.next();
    expect(reply.topic).toBe('$aws/things/t1/jobs/$next/get/accepted');
    expect(reply.raw).toBe(`{"timestamp":${NOW}}`);
  });

  test('by job id the document is included by default, and left out with includeJobDocument false', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await quietDevice();
    const full = await device.request('/job1/get', { clientToken: 'd' });
    expect(full.topic).toBe('$aws/things/t1/jobs/job1/get/accepted');
    expect(full.payload).toEqual({
      execution: { jobId: 'job1', status: 'QUEUED', queuedAt: NOW, lastUpdatedAt: NOW, versionNumber: 1, executionNumber: 1, jobDocument: DOC },
      timestamp: NOW,
      clientToken: 'd',
    });
    const bare = await device.request('/job1/get', { includeJobDocument: false });
    expect(bare.payload.execution).not.toHaveProperty('jobDocument');
  });

  test('an unknown job or execution number is ResourceNotFound, with the clientToken and no executionState', async () => {
    queueJob(harness.simulator, 'job1', ['t2']);
    const device = await quietDevice();
    for (const [suffix, payload] of [
      ['/nope/get', { clientToken: 'r' }],
      ['/job1/get', { clientToken: 'r' }],
    ] as const) {
      const reply = await device.request(suffix, payload);
      expect(reply.topic).toBe(`$aws/things/t1/jobs${suffix}/rejected`);
      expect(Object.keys(reply.payload).sort()).toEqual(['clientToken', 'code', 'message', 'timestamp']);
      expect(reply.payload).toMatchObject({ code: 'ResourceNotFound', clientToken: 'r', timestamp: NOW });
    }
    const t2 = await quietDevice('t2');
    expect((await t2.request('/job1/get', { executionNumber: 2 })).payload.code).toBe('ResourceNotFound');
    expect((await t2.request('/job1/get', { executionNumber: 1 })).payload.execution).toMatchObject({ executionNumber: 1 });
  });

  test('$next is read-only: IN_PROGRESS first, then QUEUED, oldest first, creation order within one second', async () => {
    for (const jobId of ['a', 'b', 'c']) queueJob(harness.simulator, jobId, ['t1']);
    const device = await quietDevice();
    expect(((await device.request('/$next/get')).payload.execution as { jobId: string }).jobId).toBe('a');
    await device.request('/c/update', { status: 'IN_PROGRESS' });
    const next = await device.request('/$next/get', { includeJobDocument: false });
    expect(next.payload.execution).toMatchObject({ jobId: 'c', status: 'IN_PROGRESS', versionNumber: 2 });
    expect(next.payload.execution).not.toHaveProperty('jobDocument');
    // Reading $next changed nothing.
    expect(((await device.request('/$next/get')).payload.execution as { versionNumber: number }).versionNumber).toBe(2);
  });

  test('a terminal execution is returned (docs/protocol.md §14 default)', async () => {
    queueJob(harness.simulator, 'job1', ['t1']);
    const device = await quietDevice();
    await device.request('/job1/update', { status: 'SUCCEEDED' });
    const reply = await device.request('/job1/get');
    expect(reply.payload.execution).toMatchObject({ status: 'SUCCEEDED', versionNumber: 2 });
    expect(reply.payload.execution).not.toHaveProperty('approximateSecondsBeforeTimedOut');
  });
});

describe('UpdateJobExecution', () => {
  beforeEach(() => queueJob(harness.simulator, 'job1', ['t1']));

  test('IN_PROGRESS: accepted carries only the timestamp (and clientToken)', async () => {
    const device = await quietDevice();
    expect((await device.request('/job1/update', { status: 'IN_PROGRESS' })).payload).toEqual({ timestamp: NOW });
    expect((await device.request('/job1/update', { status: 'IN_PROGRESS', clientToken: 'u' })).payload).toEqual({ timestamp: NOW, clientToken: 'u' });
  });

  test('includeJobExecutionState and includeJobDocument add the state after the update and the document', async () => {
    const device = await quietDevice();
    const reply = await device.request('/job1/update', {
      status: 'IN_PROGRESS',
      statusDetails: { progress: '50' },
      includeJobExecutionState: true,
      includeJobDocument: true,
    });
    expect(reply.topic).toBe('$aws/things/t1/jobs/job1/update/accepted');
    expect(reply.payload).toEqual({
      executionState: { status: 'IN_PROGRESS', statusDetails: { progress: '50' }, versionNumber: 2 },
      jobDocument: DOC,
      timestamp: NOW,
    });
  });

  test('every accepted update bumps versionNumber; statusDetails are replaced when given and kept when absent', async () => {
    const device = await quietDevice();
    await device.request('/job1/update', { status: 'IN_PROGRESS', statusDetails: { a: '1', b: '2' } });
    await device.request('/job1/update', { status: 'IN_PROGRESS', statusDetails: { c: '3' } });
    const kept = await device.request('/job1/update', { status: 'IN_PROGRESS', includeJobExecutionState: true });
    expect(kept.payload.executionState).toEqual({ status: 'IN_PROGRESS', statusDetails: { c: '3' }, versionNumber: 4 });
  });

  test('a wrong expectedVersion is VersionMismatch with executionState; a matching numeric string is accepted', async () => {
    const device = await quietDevice();
    await device.request('/job1/update', { status: 'IN_PROGRESS', statusDetails: { s: 'x' } });
    const mismatch = await device.request('/job1/update', { status: 'SUCCEEDED', expectedVersion: 1, clientToken: 'vm' });
    expect(mismatch.topic).toBe('$aws/things/t1/jobs/job1/update/rejected');
    expect(mismatch.payload).toEqual({
      code: 'VersionMismatch',
      message: expect.any(String),
      clientToken: 'vm',
      timestamp: NOW,
      executionState: { status: 'IN_PROGRESS', statusDetails: { s: 'x' }, versionNumber: 2 },
    });
    expect((await device.request('/job1/update', { status: 'IN_PROGRESS', expectedVersion: '3' })).payload.code).toBe('VersionMismatch');
    const accepted = await device.request('/job1/update', { status: 'IN_PROGRESS', expectedVersion: '2', includeJobExecutionState: true });
    expect(accepted.payload.executionState).toMatchObject({ versionNumber: 3 });
    expect((await device.request('/job1/update', { status: 'IN_PROGRESS', expectedVersion: 3 })).topic).toMatch(/accepted$/);
    expect((await device.request('/job1/update', { status: 'IN_PROGRESS', expectedVersion: 'four' })).payload.code).toBe('InvalidRequest');
  });

  test('after SUCCEEDED: InvalidStateTransition with executionState', async () => {
    const device = await quietDevice();
    await device.request('/job1/update', { status: 'SUCCEEDED' });
    const reply = await device.request('/job1/update', { status: 'IN_PROGRESS', clientToken: 'late' });
    expect(reply.payload).toEqual({
      code: 'InvalidStateTransition',
      message: expect.any(String),
      clientToken: 'late',
      timestamp: NOW,
      executionState: { status: 'SUCCEEDED', versionNumber: 2 },
    });
  });

  test('missing status, a status a device may not set, or a wrong type is InvalidRequest without executionState', async () => {
    const device = await quietDevice();
    for (const payload of [{}, { status: 'QUEUED' }, { status: 'CANCELED' }, { status: 'TIMED_OUT' }, { status: 'REMOVED' }, { status: 'SUCCESS' }, { status: 3 }]) {
      const reply = await device.request('/job1/update', { ...payload, clientToken: 'ir' });
      expect(reply.topic).toBe('$aws/things/t1/jobs/job1/update/rejected');
      expect(Object.keys(reply.payload).sort()).toEqual(['clientToken', 'code', 'message', 'timestamp']);
      expect(reply.payload.code).toBe('InvalidRequest');
    }
    for (const payload of [{ includeJobDocument: 'yes' }, { executionNumber: -1 }, { includeJobExecutionState: 1 }, { clientToken: 7 }]) {
      expect((await device.request('/job1/update', { status: 'IN_PROGRESS', ...payload })).payload.code).toBe('InvalidRequest');
    }
  });

  test('bad statusDetails are InvalidRequest: empty value, control character, key with a space', async () => {
    const device = await quietDevice();
    for (const statusDetails of [{ k: '' }, { k: 'bell\u0007' }, { 'a b': 'v' }, { k: 1 }, ['x']]) {
      expect((await device.request('/job1/update', { status: 'IN_PROGRESS', statusDetails })).payload.code).toBe('InvalidRequest');
    }
  });

  test('stepTimeoutInMinutes 0 or 10081 is InvalidRequest', async () => {
    const device = await quietDevice();
    for (const stepTimeoutInMinutes of [0, 10081, 2.5, '5']) {
      expect((await device.request('/job1/update', { status: 'IN_PROGRESS', stepTimeoutInMinutes })).payload.code).toBe('InvalidRequest');
    }
    expect(harness.simulator.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution).toMatchObject({ status: 'QUEUED', versionNumber: 1 });
  });

  test('an unknown job, or another thing\'s job, is ResourceNotFound', async () => {
    const device = await quietDevice('t2');
    expect((await device.request('/job1/update', { status: 'SUCCEEDED' })).payload.code).toBe('ResourceNotFound');
    expect((await device.request('/zzz/update', { status: 'SUCCEEDED' })).payload.code).toBe('ResourceNotFound');
  });

  test('unknown request fields are ignored (the v1 SDK sends thingName and jobId in the payload)', async () => {
    const device = await quietDevice();
    const reply = await device.request('/job1/update', { thingName: 't1', jobId: 'job1', status: 'IN_PROGRESS', surprise: { deep: [1] } });
    expect(reply.payload).toEqual({ timestamp: NOW });
  });

  test('null reads as absent', async () => {
    const device = await quietDevice();
    const reply = await device.request('/job1/update', { status: 'IN_PROGRESS', statusDetails: null, expectedVersion: null, includeJobExecutionState: true });
    expect(reply.payload.executionState).toEqual({ status: 'IN_PROGRESS', versionNumber: 2 });
  });

  test('QUEUED → SUCCEEDED directly is allowed (docs/protocol.md §14 default)', async () => {
    const device = await quietDevice();
    expect((await device.request('/job1/update', { status: 'SUCCEEDED', includeJobExecutionState: true })).payload.executionState).toEqual({
      status: 'SUCCEEDED',
      versionNumber: 2,
    });
  });

  test('a clientToken of 65 characters is InvalidRequest; 64 is fine', async () => {
    const device = await quietDevice();
    const long = 'x'.repeat(65);
    const rejected = await device.request('/job1/get', { clientToken: long });
    expect(rejected.payload).toMatchObject({ code: 'InvalidRequest', clientToken: long });
    expect((await device.request('/job1/get', { clientToken: 'y'.repeat(64) })).topic).toMatch(/accepted$/);
  });
});

describe('malformed requests', () => {
  test('non-JSON is InvalidJson, with no clientToken', async () => {
    const device = await quietDevice();
    const reply = await device.request('/get', '{"clientToken":"abc"');
    expect(reply.topic).toBe('$aws/things/t1/jobs/get/rejected');
    expect(reply.payload).toEqual({ code: 'InvalidJson', message: expect.any(String), timestamp: NOW });
  });

  test('invalid UTF-8 is InvalidJson', async () => {
    const device = await quietDevice();
    await device.publish('/start-next', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await device.next()).payload.code).toBe('InvalidJson');
  });

  test('JSON that is not an object is InvalidRequest', async () => {
    const device = await quietDevice();
    for (const body of ['[1,2]', '"text"', '42', 'true']) expect((await device.request('/get', body)).payload.code).toBe('InvalidRequest');
  });

  test('an unmapped topic under the Jobs root is InvalidTopic on <topic>/rejected, with the clientToken', async () => {
    const device = await quietDevice();
    for (const suffix of ['/job1/frobnicate', '/$next/update', '/a/b/c/d', '/bad.id/get', '']) {
      const reply = await device.request(suffix, { clientToken: 'it' });
      expect(reply.topic).toBe(`$aws/things/t1/jobs${suffix}/rejected`);
      expect(reply.payload).toEqual({ code: 'InvalidTopic', message: expect.any(String), timestamp: NOW, clientToken: 'it' });
    }
  });
});

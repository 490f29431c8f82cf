/**
 * The durable outbox across a reconnect: a final status written while offline
 * is stored, then delivered once the connection is back; a final status whose
 * reply was lost is found applied on the re-send; a status the service
 * refuses for good (canceled meanwhile) is dropped with an event.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import { RunnerBed, deferred, record, settle, until } from './support.js';

let bed: RunnerBed;
let runner: JobRunner | undefined;
beforeEach(async () => {
  bed = await RunnerBed.start();
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await bed.close();
});

async function runningBehindAGate(store: MemoryStatusStore) {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  const { thing, connection } = await bed.connect('t1', { reconnectPeriod: 1_000 });
  const gate = deferred();
  const started = deferred();
  runner = runJobs(
    thing,
    {
      install: async () => {
        started.resolve();
        await gate.promise;
        return { result: 'installed' };
      },
    },
    { store, retryDelayMs: 5_000 },
  );
  const seen = record(runner);
  await started.promise;
  await settle();
  return { gate, seen, connection };
}

test('a final status written while offline is stored, and delivered after the reconnect', async () => {
  const store = new MemoryStatusStore();
  const { gate, seen, connection } = await runningBehindAGate(store);
  bed.simulator.faults.disconnectClient('t1');
  await until(() => !connection.connected, 'offline');
  gate.resolve();
  await until(() => store.size === 1 && seen.some((e) => e.type === 'error'), 'stored, and the first send failed');
  expect(bed.execution('fw', 't1').status).toBe('IN_PROGRESS');
  expect(bed.updatesOf('fw').filter((u) => u.status === 'SUCCEEDED')).toHaveLength(0);

  jest.advanceTimersByTime(1_000); // mqtt.js reconnects; the runner re-sends at once, not after its 5 s pause
  await until(() => seen.some((e) => e.type === 'finished'), 'delivered');
  expect(bed.execution('fw', 't1')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { result: 'installed' } } });
  expect(store.size).toBe(0);
  expect(bed.updatesOf('fw').filter((u) => u.status === 'SUCCEEDED')).toHaveLength(1);
  expect(seen.find((e) => e.type === 'finished')?.event).toMatchObject({ jobId: 'fw', status: 'SUCCEEDED', fromStore: false });
});

test('sent, then the connection dropped before the reply: the re-send finds it applied and finishes once', async () => {
  const store = new MemoryStatusStore();
  const { gate, seen, connection } = await runningBehindAGate(store);
  bed.simulator.faults.dropReplies({ thingName: 't1', operation: 'update' }, 1);
  bed.simulator.on('notify', () => {
    if (bed.execution('fw', 't1').status === 'SUCCEEDED') bed.simulator.faults.disconnectClient('t1');
  });
  gate.resolve();
  await until(() => !connection.connected, 'dropped after the update took effect');
  expect(store.size).toBe(1);
  jest.advanceTimersByTime(1_000);
  await until(() => seen.some((e) => e.type === 'finished'), 'finished');
  expect(store.size).toBe(0);
  expect(seen.filter((e) => e.type === 'finished')).toHaveLength(1);
  expect(bed.execution('fw', 't1')).toMatchObject({ status: 'SUCCEEDED', versionNumber: 3 });
});

test('a stored final status the service refuses for good (force-canceled meanwhile) is dropped, with a canceled event', async () => {
  const store = new MemoryStatusStore();
  await store.put({ thingName: 't1', jobId: 'fw', status: 'SUCCEEDED', statusDetails: { result: 'installed' }, finishedAt: Date.now() });
  bed.createJob('fw', ['t1'], { operation: 'install' });
  bed.simulator.startNextPendingJobExecution('t1', {});
  bed.simulator.cancelJob({ jobId: 'fw', force: true });
  const { thing } = await bed.connect('t1');
  let ran = false;
  runner = runJobs(thing, { install: () => void (ran = true) }, { store });
  const seen = record(runner);
  await until(() => seen.some((e) => e.type === 'canceled'), 'dropped');
  expect(seen.find((e) => e.type === 'canceled')?.event).toMatchObject({ jobId: 'fw', dropped: 'SUCCEEDED', reason: { status: 'CANCELED' } });
  expect(store.size).toBe(0);
  expect(ran).toBe(false);
});

test('throttled final statuses are retried with backoff until accepted', async () => {
  const store = new MemoryStatusStore();
  const { gate, seen } = await runningBehindAGate(store);
  bed.simulator.faults.rejectNext({ thingName: 't1', operation: 'update' }, 3, 'RequestThrottled');
  gate.resolve();
  await until(() => seen.some((e) => e.type === 'finished'), 'finished', { stepMs: 1_000 });
  expect(bed.execution('fw', 't1').status).toBe('SUCCEEDED');
  expect(seen.filter((e) => e.type === 'error').length).toBe(3);
  expect(store.size).toBe(0);
});

test("stop() while a finished handler's status is being stored waits for the store, sends nothing, and the next runner sends it", async () => {
  bed.createJob('fw', ['t1'], { operation: 'install' });
  const { thing } = await bed.connect('t1');
  const memory = new MemoryStatusStore();
  const writing = deferred();
  const release = deferred();
  const slowStore = {
    put: async (status: Parameters<MemoryStatusStore['put']>[0]) => {
      writing.resolve();
      await release.promise;
      await memory.put(status);
    },
    delete: (thingName: string, jobId: string) => memory.delete(thingName, jobId),
    list: (thingName: string) => memory.list(thingName),
  };
  runner = runJobs(thing, { install: () => ({ result: 'installed' }) }, { store: slowStore });
  await writing.promise;
  let stopped = false;
  const stopping = runner.stop().then(() => (stopped = true));
  await settle();
  expect(stopped).toBe(false);
  release.resolve();
  await stopping;
  expect(memory.size).toBe(1);
  await settle();
  expect(bed.updatesOf('fw').filter((u) => u.status === 'SUCCEEDED')).toHaveLength(0);

  runner = runJobs(thing, { install: () => ({ result: 'again' }) }, { store: memory });
  await until(() => bed.execution('fw', 't1').status === 'SUCCEEDED', 'sent by the next runner');
  expect(bed.execution('fw', 't1').statusDetails?.detailsMap).toEqual({ result: 'installed' });
  expect(memory.size).toBe(0);
});

test('after a reconnect the runner sends what the store holds, even an entry written there by someone else', async () => {
  const store = new MemoryStatusStore();
  const { gate, seen, connection } = await runningBehindAGate(store);
  bed.createJob('other', ['t1'], { operation: 'install' });
  bed.simulator.updateJobExecution('t1', 'other', { status: 'IN_PROGRESS' });
  bed.simulator.faults.disconnectClient('t1');
  await until(() => !connection.connected, 'offline');
  await store.put({ thingName: 't1', jobId: 'other', status: 'FAILED', statusDetails: { reason: 'found broken at boot' }, finishedAt: Date.now() });
  jest.advanceTimersByTime(1_000);
  await until(() => seen.some((e) => e.type === 'finished' && (e.event as { jobId: string }).jobId === 'other'), 'the stored entry is sent');
  expect(bed.execution('other', 't1')).toMatchObject({ status: 'FAILED', statusDetails: { detailsMap: { reason: 'found broken at boot' } } });
  gate.resolve();
  await until(() => bed.execution('fw', 't1').status === 'SUCCEEDED', 'the running one still finishes');
});

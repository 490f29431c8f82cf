import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { runDeviceLoop } from '../demo/device-loop.js';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  Job,
  Jobs,
  JobsAbortError,
  JobsRejectedError,
  JobsTimeoutError,
  JobsClosedError,
  Thing,
} from '../lib/index.js';
import { createTestEnvironment } from '../lib/testing/index.js';

type Env = Awaited<ReturnType<typeof createTestEnvironment>>;

let env: Env;
let connection: AsyncMqttClient;
const opened: Jobs[] = [];

function jobsFor(thingName: string, conn: AsyncMqttClient = connection): Jobs {
  const jobs = new Jobs(new Thing(thingName, conn));
  opened.push(jobs);
  return jobs;
}

function queue(jobId: string, thingName = 'dev1', document: object = { op: jobId }): void {
  env.simulator.createJob({ jobId, targets: [thingName], document: JSON.stringify(document) });
}

/** Resolves on the next `changed` event of `jobs`. */
function nextChange(jobs: Jobs): Promise<string> {
  return new Promise((resolve) => {
    const handler = ({ reason }: { reason: string }): void => {
      jobs.events.off('changed', handler);
      resolve(reason);
    };
    jobs.events.on('changed', handler);
  });
}

beforeEach(async () => {
  env = await createTestEnvironment();
  for (const name of ['dev1', 'dev2']) env.simulator.createThing({ thingName: name });
  connection = await env.connect({ clientId: 'device-connection' });
});

afterEach(async () => {
  jest.useRealTimers();
  for (const jobs of opened.splice(0)) await jobs.close();
  await env.close();
});

describe('Jobs.changed()', () => {
  test('is true once for a new Jobs, so jobs queued before it are listed without forcing', async () => {
    queue('early');
    const jobs = jobsFor('dev1');
    await jobs.ready;
    expect(jobs.changed()).toBe(true);
    expect(jobs.changed()).toBe(false);
    const [, queued] = await jobs.list();
    expect(queued.map((job) => job.jobId)).toEqual(['early']);
  });

  test('turns true once per notification, then false until the next', async () => {
    const jobs = jobsFor('dev1');
    await jobs.ready;
    jobs.changed();
    const change = nextChange(jobs);
    queue('j1');
    await change;
    expect(jobs.changed()).toBe(true);
    expect(jobs.changed()).toBe(false);
  });

  test('ignores notifications of other things', async () => {
    const jobs1 = jobsFor('dev1');
    const jobs2 = jobsFor('dev2');
    await Promise.all([jobs1.ready, jobs2.ready]);
    jobs1.changed();
    jobs2.changed();
    const change2 = nextChange(jobs2);
    queue('for-dev2', 'dev2');
    await change2;
    // A round trip for dev1 flushes anything addressed to it.
    await jobs1.list();
    expect(jobs1.changed()).toBe(false);
    expect(jobs2.changed()).toBe(true);
  });
});

describe('Jobs.list()', () => {
  test('returns [inProgress, queued] with ids, versions, execution numbers and Date times', async () => {
    queue('a');
    queue('b');
    const jobs = jobsFor('dev1');
    const started = await jobs.startNext();
    expect(started?.jobId).toBe('a');
    const [inProgress, queued] = await jobs.list();
    expect(inProgress.map((job) => [job.jobId, job.status, job.version, job.executionNumber])).toEqual([['a', 'IN_PROGRESS', 2, 1]]);
    expect(queued.map((job) => [job.jobId, job.status, job.version, job.executionNumber])).toEqual([['b', 'QUEUED', 1, 1]]);
    expect(inProgress[0]!.queuedAt).toBeInstanceOf(Date);
    expect(inProgress[0]!.startedAt).toBeInstanceOf(Date);
    expect(queued[0]!.startedAt).toBeUndefined();
    expect(Math.abs(queued[0]!.queuedAt!.getTime() - Date.now())).toBeLessThan(5_000);
  });

  test('returns the same Job object for the same pending job', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, first] = await jobs.list();
    const [, second] = await jobs.list();
    expect(second[0]).toBe(first[0]);
  });
});

describe('Job.describe()', () => {
  test('fills status, version, document, statusDetails and times', async () => {
    queue('a', 'dev1', { op: 'install', url: 'https://example.com/fw.bin' });
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    expect(await job!.describe()).toBe(true);
    expect(job!.status).toBe(Job.QUEUED);
    expect(job!.version).toBe(1);
    expect(job!.document).toEqual({ op: 'install', url: 'https://example.com/fw.bin' });
    expect(job!.lastUpdatedAt).toBeInstanceOf(Date);
    expect(job!.error).toBeUndefined();
  });

  test('resolves false with the typed rejection for an unknown job', async () => {
    const job = jobsFor('dev1').job('missing');
    expect(await job.describe()).toBe(false);
    expect(job.error).toBeInstanceOf(JobsRejectedError);
    expect((job.error as JobsRejectedError).code).toBe('ResourceNotFound');
  });
});

describe('Job.update()', () => {
  test('consecutive updates need no describe: the version is refreshed from each reply', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    for (let step = 1; step <= 3; step++) {
      expect(await job!.update(Job.IN_PROGRESS, { step: String(step) })).toBe(true);
      expect(job!.version).toBe(step + 1);
    }
    expect(await job!.update(Job.SUCCEEDED, { result: 'ok' })).toBe(true);
    expect(job!.status).toBe(Job.SUCCEEDED);
    expect(env.simulator.describeJobExecution({ jobId: 'a', thingName: 'dev1' }).execution.status).toBe('SUCCEEDED');
  });

  test('on VersionMismatch it resolves false and adopts the state, so the next update succeeds', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    // Another writer moves the execution on behind this Job's back.
    const other = jobsFor('dev1', await env.connect({ clientId: 'other-writer' }));
    const [, [otherJob]] = await other.list();
    expect(await otherJob!.update(Job.IN_PROGRESS, { by: 'other' })).toBe(true);

    expect(await job!.update(Job.IN_PROGRESS, { by: 'me' })).toBe(false);
    expect((job!.error as JobsRejectedError).code).toBe('VersionMismatch');
    expect(job!.version).toBe(2);
    expect(job!.statusDetails).toEqual({ by: 'other' });
    expect(await job!.update(Job.SUCCEEDED)).toBe(true);
  });

  test('InvalidStateTransition is final: false, state adopted, not retried', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    expect(await job!.update(Job.SUCCEEDED)).toBe(true);
    const requests = countRequests('$aws/things/dev1/jobs/a/update');
    expect(await job!.update(Job.IN_PROGRESS, undefined, { retries: 3, retryDelayMs: 0 })).toBe(false);
    expect((job!.error as JobsRejectedError).code).toBe('InvalidStateTransition');
    expect(job!.status).toBe('SUCCEEDED');
    expect(requests()).toBe(1);
  });

  test('retries RequestThrottled a bounded number of times', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    env.simulator.faults.rejectNext({ thingName: 'dev1', operation: 'update' }, 2, 'RequestThrottled');
    expect(await job!.update(Job.IN_PROGRESS, undefined, { retries: 2, retryDelayMs: 0 })).toBe(true);

    env.simulator.faults.rejectNext({ thingName: 'dev1', operation: 'update' }, 3, 'InternalError');
    const requests = countRequests('$aws/things/dev1/jobs/a/update');
    expect(await job!.update(Job.IN_PROGRESS, undefined, { retries: 2, retryDelayMs: 0 })).toBe(false);
    expect((job!.error as JobsRejectedError).code).toBe('InternalError');
    expect(requests()).toBe(3);
  });

  test('resolves false with a JobsTimeoutError when no reply comes', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'update' }, 1);
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const result = job!.update(Job.IN_PROGRESS, undefined, { timeoutMs: 1_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await result).toBe(false);
    expect(job!.error).toBeInstanceOf(JobsTimeoutError);
  });

  test('invalid arguments reject at once and nothing is sent', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    const requests = countRequests('$aws/things/dev1/jobs/a/update');
    await expect(job!.update('QUEUED' as typeof Job.IN_PROGRESS)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(job!.update(Job.IN_PROGRESS, { 'bad key': 'x' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(job!.update(Job.IN_PROGRESS, { k: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(job!.update(Job.IN_PROGRESS, undefined, { stepTimeoutInMinutes: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(job!.update(Job.IN_PROGRESS, undefined, { retries: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => jobs.job('a/b')).toThrow(InvalidArgumentError);
    expect(() => new Thing('+', connection)).toThrow(InvalidArgumentError);
    await jobs.list();
    expect(requests()).toBe(0);
  });
});

describe('the per-thing mutex', () => {
  test('concurrent updates of one thing run one at a time in call order', async () => {
    queue('a');
    const jobs = jobsFor('dev1');
    const [, [job]] = await jobs.list();
    const results = await Promise.all([1, 2, 3, 4, 5].map((step) => job!.update(Job.IN_PROGRESS, { step: String(step) })));
    expect(results).toEqual([true, true, true, true, true]);
    const { execution } = env.simulator.describeJobExecution({ jobId: 'a', thingName: 'dev1' });
    expect(execution.versionNumber).toBe(6);
    expect(execution.statusDetails?.detailsMap).toEqual({ step: '5' });
  });

  test('spans every Jobs and Job object of the thing', async () => {
    queue('a');
    queue('b');
    const jobsA = jobsFor('dev1');
    const jobsB = jobsFor('dev1');
    const order: string[] = [];
    const [, [a]] = await jobsA.list();
    const b = jobsB.job('b');
    await Promise.all([
      a!.update(Job.IN_PROGRESS).then(() => order.push('a1')),
      b.describe().then(() => order.push('b1')),
      a!.update(Job.SUCCEEDED).then(() => order.push('a2')),
      jobsB.list().then(() => order.push('list')),
    ]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'list']);
  });

  test('two things do not block each other', async () => {
    queue('a', 'dev1');
    queue('b', 'dev2');
    const jobs1 = jobsFor('dev1');
    const jobs2 = jobsFor('dev2');
    const [, [a]] = await jobs1.list();
    const [, [b]] = await jobs2.list();
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'update' }, 1);
    const controller = new AbortController();
    const stuck = a!.update(Job.IN_PROGRESS, undefined, { signal: controller.signal });
    // dev1 holds its lock while its reply is lost; dev2 still completes.
    expect(await b!.update(Job.SUCCEEDED)).toBe(true);
    controller.abort();
    expect(await stuck).toBe(false);
    expect(a!.error).toBeInstanceOf(JobsAbortError);
  });
});

describe('next(), startNext(), waitForChange(), close()', () => {
  test('next() reads $next without starting it; startNext() starts it', async () => {
    const jobs = jobsFor('dev1');
    expect(await jobs.next()).toBeUndefined();
    expect(await jobs.startNext()).toBeUndefined();
    queue('a', 'dev1', { op: 'x' });
    const next = await jobs.next();
    expect([next?.jobId, next?.status, next?.document]).toEqual(['a', 'QUEUED', { op: 'x' }]);
    const started = await jobs.startNext({ phase: 'download' }, { stepTimeoutInMinutes: 5 });
    expect([started?.jobId, started?.status, started?.version, started?.statusDetails]).toEqual(['a', 'IN_PROGRESS', 2, { phase: 'download' }]);
    expect(started?.approximateSecondsBeforeTimedOut).toBeGreaterThan(0);
    await expect(jobs.startNext(undefined, { stepTimeoutInMinutes: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  test('the next event carries the new next job, or undefined when none is left', async () => {
    const jobs = jobsFor('dev1');
    await jobs.ready;
    const nextJob = new Promise<Job | undefined>((resolve) => jobs.events.on('next', resolve));
    queue('a');
    expect((await nextJob)?.jobId).toBe('a');
    const none = new Promise<Job | undefined>((resolve) => jobs.events.on('next', (job) => job === undefined && resolve(job)));
    expect(await jobs.job('a').update(Job.REJECTED)).toBe(true);
    expect(await none).toBeUndefined();
  });

  test('waitForChange() resolves true on the next change, at once when one is pending, and never reads the flag', async () => {
    const jobs = jobsFor('dev1');
    await jobs.ready;
    expect(await jobs.waitForChange()).toBe(true); // the initial flag...
    expect(jobs.changed()).toBe(true); // ...is still there for changed()
    const waiting = jobs.waitForChange();
    queue('a');
    expect(await waiting).toBe(true);
    expect(jobs.changed()).toBe(true); // a change seen while waiting is not consumed (it used to be: the loop missed the job)
    expect(jobs.changed()).toBe(false);
  });

  test('waitForChange() resolves false after a quiet timeout, rejects on abort, and settles on close', async () => {
    const jobs = jobsFor('dev1');
    await jobs.ready;
    jobs.changed();
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const quiet = jobs.waitForChange({ timeoutMs: 60_000 });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(await quiet).toBe(false); // a quiet minute is normal, not a JobsTimeoutError
    jest.useRealTimers();

    const controller = new AbortController();
    const aborted = expect(jobs.waitForChange({ signal: controller.signal })).rejects.toBeInstanceOf(JobsAbortError);
    controller.abort();
    await aborted;

    const closed = expect(jobs.waitForChange()).rejects.toThrow('waitForChange failed: Jobs closed');
    await jobs.close();
    await closed;
    await expect(jobs.list()).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(jobs.list()).rejects.toBeInstanceOf(JobsClosedError);
  });
});

describe('private routing', () => {
  test('a Jobs that closes itself while a notification is delivered does not stop the others', async () => {
    const first = jobsFor('dev1');
    const second = jobsFor('dev1');
    const other = jobsFor('dev2');
    await Promise.all([first.ready, second.ready, other.ready]);
    [first, second, other].forEach((jobs) => jobs.changed());
    first.events.on('changed', () => void first.close());
    const secondChanged = nextChange(second);
    queue('j1');
    await expect(secondChanged).resolves.toMatch(/^notify/);
    // A round trip for `other` after the notifications: nothing arrived for it.
    await other.list();
    expect(other.changed()).toBe(false);
    expect(second.changed()).toBe(true);
  });
});

describe('after a reconnect', () => {
  test('re-reads the pending list and raises changed for a job queued while offline', async () => {
    const device = await env.connect({ clientId: 'flaky-device', reconnectPeriod: 20, clean: true });
    const jobs = jobsFor('dev1', device);
    await jobs.ready;
    await jobs.list();
    jobs.changed();
    const offline = new Promise((resolve) => device.once('close', resolve));
    env.simulator.faults.disconnectClient('flaky-device');
    await offline;
    queue('while-offline');
    expect(await nextChange(jobs)).toBe('reconnect');
    expect(jobs.changed()).toBe(true);
    const [, queued] = await jobs.list();
    expect(queued.map((job) => job.jobId)).toEqual(['while-offline']);
  });
});

describe('the demo device loop (the README quickstart)', () => {
  test('runs three jobs to their outcomes', async () => {
    queue('firmware-update', 'dev1', { operation: 'install', steps: 3 });
    queue('reboot', 'dev1', { operation: 'reboot' });
    queue('self-test', 'dev1', { operation: 'self-test', sensor: 'temperature' });
    const lines: string[] = [];
    const stop = new AbortController();
    const loop = runDeviceLoop(new Thing('dev1', connection), (line) => {
      lines.push(line);
      if (line.startsWith('self-test@dev1: update FAILED')) stop.abort();
    }, stop.signal);
    await loop; // returns when its signal aborts, not before
    const status = (jobId: string): string => env.simulator.describeJobExecution({ jobId, thingName: 'dev1' }).execution.status;
    expect([status('firmware-update'), status('reboot'), status('self-test')]).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
    expect(lines.filter((line) => line.includes('update IN_PROGRESS'))).toHaveLength(3);
    expect(env.simulator.describeJob({ jobId: 'firmware-update' }).job.status).toBe('COMPLETED');
  });

  test('never returns by itself: jobs created at random moments while it waits are all run, then the signal stops it', async () => {
    let seed = 12_345;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const ids = Array.from({ length: 6 }, (_, i) => `late-${i}`);
    const done = new Set<string>();
    const stop = new AbortController();
    let queued = 0;
    const queueNext = async (): Promise<void> => {
      // A random number of event-loop turns: sometimes while the loop lists, mostly while it waits.
      for (let turn = random(30); turn > 0; turn -= 1) await new Promise((resolve) => setImmediate(resolve));
      queue(ids[queued]!, 'dev1', { operation: random(2) === 0 ? 'reboot' : 'self-test' });
      queued += 1;
    };
    const loop = runDeviceLoop(new Thing('dev1', connection), (line) => {
      const finished = /^(late-\d)@dev1: update (SUCCEEDED|FAILED)/.exec(line);
      if (finished === null) return;
      done.add(finished[1]!);
      if (done.size === ids.length) stop.abort();
      else if (queued < ids.length) void queueNext();
    }, stop.signal);
    await queueNext();
    await loop;
    expect([...done].sort()).toEqual(ids);
    for (const jobId of ids) expect(['SUCCEEDED', 'FAILED']).toContain(env.simulator.describeJobExecution({ jobId, thingName: 'dev1' }).execution.status);
  });
});

/** Counts the requests published on `topic` from now on. */
function countRequests(topic: string): () => number {
  let count = 0;
  env.broker.aedes.on('publish', (packet) => {
    if (packet.topic === topic) count++;
  });
  return () => count;
}

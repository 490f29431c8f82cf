/**
 * A device that runs for months: one test per defect of issue 12 ("Why"), and
 * the private routing and public surface of issue 11 (items 3 and 6). Each
 * test failed before the work it names.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  Job,
  Jobs,
  JobsAbortError,
  JobsClient,
  JobsClosedError,
  JobsTimeoutError,
  Thing,
  type MqttConnection,
} from '../lib/index.js';
import { createTestEnvironment, SimulatorError, type TestEnvironment } from '../lib/testing/index.js';
import { mqtt4 } from '../lib/mqtt/mqtt4.js';
import { createDuplexPair } from '../lib/testing/duplex-pair.js';

let env: TestEnvironment;
const cleanups: Array<() => Promise<unknown>> = [];
const FAKE: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] };

beforeEach(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  env.simulator.createThing({ thingName: 'dev1' });
});

afterEach(async () => {
  jest.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await env.close();
});

function open(jobs: Jobs): Jobs {
  cleanups.push(() => jobs.close());
  return jobs;
}

function queue(jobId: string, thingName = 'dev1'): void {
  env.simulator.createJob({ jobId, targets: [thingName], document: JSON.stringify({ op: jobId }) });
}

function nextChange(jobs: Jobs): Promise<string> {
  return new Promise((resolve) => {
    const off = jobs.events.on('changed', ({ reason }) => {
      off();
      resolve(reason);
    });
  });
}

/** Counts the requests published on `topic` from now on. */
function countRequests(topic: string): () => number {
  let count = 0;
  env.broker.aedes.on('publish', (packet) => {
    if (packet.topic === topic) count++;
  });
  return () => count;
}

/** An async-mqtt client on the in-memory broker that is NOT awaited: no CONNACK yet when it is returned. */
function connectLater(clientId: string): AsyncMqttClient {
  const raw = new mqtt4.MqttClient(
    () => {
      const [clientSide, brokerSide] = createDuplexPair();
      env.broker.aedes.handle(brokerSide);
      return clientSide;
    },
    { clientId, reconnectPeriod: 20, keepalive: 0 },
  );
  const client = new asyncMqtt.AsyncClient(raw);
  cleanups.push(() => client.end(true));
  return client;
}

async function flaky(clientId: string): Promise<AsyncMqttClient> {
  return env.connect({ clientId, reconnectPeriod: 20, keepalive: 0 });
}

/**
 * Moves fake time on in 50 ms steps, letting the in-memory streams (real
 * setImmediate) run between steps, until `done()` or 30 s of fake time.
 */
async function advanceUntil(done: () => boolean): Promise<void> {
  for (let step = 0; step < 600 && !done(); step += 1) {
    await jest.advanceTimersByTimeAsync(50);
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  }
}

function offline(connection: AsyncMqttClient): Promise<void> {
  return new Promise((resolve) => connection.once('close', () => resolve()));
}

function online(connection: AsyncMqttClient): Promise<void> {
  return new Promise((resolve) => connection.once('connect', () => resolve()));
}

describe('1. the Zerynth loop is correct for ever', () => {
  test('a job created while the loop waits is listed on the next turn (waitForChange no longer eats the flag)', async () => {
    const jobs = open(new Jobs(new Thing('dev1', await env.connect({ clientId: 'z1' }))));
    await jobs.ready;
    expect(jobs.changed()).toBe(true);
    await jobs.list();
    const waiting = jobs.waitForChange({ timeoutMs: 60_000 });
    queue('while-waiting');
    expect(await waiting).toBe(true);
    expect(jobs.changed()).toBe(true);
    const [, queued] = await jobs.list();
    expect(queued.map((job) => job.jobId)).toEqual(['while-waiting']);
  });
});

describe('2. subscriptions belong to the connection', () => {
  test('a second JobsClient on the connection does not unsubscribe what a Jobs needs; subscriptionCount is the truth', async () => {
    const connection = await env.connect({ clientId: 'shared' });
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    await jobs.ready;
    jobs.changed();
    const lowLevel = new JobsClient(connection);
    cleanups.push(() => lowLevel.close());
    await lowLevel.getPendingJobExecutions('dev1');
    await lowLevel.describeJobExecution('dev1', '$next');
    // A round trip: any unsubscribe the low-level calls sent has been processed by now.
    await jobs.list();
    expect(jobs.client.subscriptionCount).toBe(6);
    const change = nextChange(jobs);
    queue('after-low-level');
    expect(await change).toMatch(/^notify/);
    await lowLevel.close();
    expect(await jobs.waitForChange({ timeoutMs: 0 })).toBe(true);
    expect((await jobs.list())[1].map((job) => job.jobId)).toEqual(['after-low-level']);
  });

  test('JobsClient.for with options that differ from the shared client throws', async () => {
    const connection = await env.connect({ clientId: 'for' });
    const shared = JobsClient.for(connection, { timeoutMs: 5_000 });
    cleanups.push(() => shared.close());
    expect(JobsClient.for(connection)).toBe(shared);
    expect(JobsClient.for(connection, { timeoutMs: 5_000 })).toBe(shared);
    expect(() => JobsClient.for(connection, { subscriptions: 'wildcard' })).toThrow(InvalidArgumentError);
    expect(() => JobsClient.for(connection, { timeoutMs: 1_000 })).toThrow(/timeoutMs/);
  });

  test('per-thing mode refuses the ninth Jobs on one connection (AWS: 50 subscriptions), naming the wildcard option', async () => {
    const connection = await env.connect({ clientId: 'gateway' });
    const things = Array.from({ length: 9 }, (_, i) => `gw-${i}`);
    for (const thing of things.slice(0, 8)) open(new Jobs(new Thing(thing, connection)));
    expect(() => new Jobs(new Thing(things[8]!, connection))).toThrow(/'wildcard'/);
    const wildcard = await env.connect({ clientId: 'gateway-2' });
    const client = JobsClient.for(wildcard, { subscriptions: 'wildcard' });
    cleanups.push(() => client.close());
    const all = things.map((thing) => open(new Jobs(new Thing(thing, wildcard))));
    await Promise.all(all.map((jobs) => jobs.ready));
    expect(client.subscriptionCount).toBe(6);
  });
});

describe('3. never deaf', () => {
  test('a Jobs made before the first CONNACK subscribes when the connection comes up, and hears later jobs', async () => {
    const connection = connectLater('early-bird');
    expect(connection.connected).toBe(false);
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    await jobs.ready;
    jobs.changed();
    const change = nextChange(jobs);
    queue('heard');
    expect(await change).toMatch(/^notify|reconnect/);
  });

  test('a Jobs made while offline subscribes on reconnect', async () => {
    const connection = await flaky('blip');
    const down = offline(connection);
    env.simulator.faults.disconnectClient('blip');
    await down;
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    await jobs.ready;
    await jobs.list();
    jobs.changed();
    const change = nextChange(jobs);
    queue('after-blip');
    expect(await change).toMatch(/^notify/);
  });

  test('after a reconnect a failed re-read is retried (throttled), and the job queued offline is signalled', async () => {
    const connection = await flaky('storm');
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    await jobs.ready;
    await jobs.list();
    jobs.changed();
    jest.useFakeTimers(FAKE); // the reconnect period and the re-read's pauses
    const down = offline(connection);
    env.simulator.faults.disconnectClient('storm');
    await down;
    queue('queued-offline');
    env.simulator.faults.rejectNext({ thingName: 'dev1', operation: 'getPending' }, 2, 'RequestThrottled');
    let reason: string | undefined;
    void nextChange(jobs).then((r) => (reason = r));
    await advanceUntil(() => reason !== undefined);
    expect(reason).toBe('reconnect');
    expect(jobs.changed()).toBe(true);
    expect((await jobs.list())[1].map((job) => job.jobId)).toEqual(['queued-offline']);
  });
});

describe('4. an update outcome is never ambiguous, and a retried final status succeeds', () => {
  test('"not sent" and "sent, outcome unknown" are told apart; a retry that finds SUCCEEDED is true', async () => {
    queue('a');
    const connection = await flaky('ambiguous');
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    const [, [job]] = await jobs.list();
    // Sent, applied, reply lost, then the connection drops.
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'update' }, 1);
    const sent = job!.update(Job.SUCCEEDED, undefined, { rideThrough: false });
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (env.simulator.describeJobExecution({ jobId: 'a', thingName: 'dev1' }).execution.status === 'SUCCEEDED') resolve();
        else setImmediate(check);
      };
      check();
    });
    const down = offline(connection);
    env.simulator.faults.disconnectClient('ambiguous');
    expect(await sent).toBe(false);
    expect(job!.error).toBeInstanceOf(ConnectionClosedError);
    expect(job!.error).toMatchObject({ requestSent: true });
    await down;
    // Not sent: the connection is down.
    expect(await job!.update(Job.SUCCEEDED, undefined, { rideThrough: false })).toBe(false);
    expect(job!.error).toMatchObject({ name: 'ConnectionClosedError', requestSent: false });
    await online(connection);
    // The retry finds the execution SUCCEEDED, as asked: true, not InvalidStateTransition.
    expect(await job!.update(Job.SUCCEEDED)).toBe(true);
    expect(job!.error).toBeUndefined();
    expect(job!.status).toBe('SUCCEEDED');
    expect(env.simulator.describeJobExecution({ jobId: 'a', thingName: 'dev1' }).execution.versionNumber).toBe(2);
  });

  test('a final update rides through a drop by default: it waits for the reconnect and is sent again', async () => {
    queue('b');
    const connection = await flaky('rider');
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    const [, [job]] = await jobs.list();
    const down = offline(connection);
    env.simulator.faults.disconnectClient('rider');
    await down;
    expect(await job!.update(Job.SUCCEEDED, { result: 'ok' })).toBe(true);
    expect(env.simulator.describeJobExecution({ jobId: 'b', thingName: 'dev1' }).execution.status).toBe('SUCCEEDED');
  });
});

describe('5. every wait is bounded and every close settles', () => {
  test('time queued behind the per-thing lock counts against timeoutMs, and an aborted signal is honoured while queued', async () => {
    queue('a');
    const jobs = open(new Jobs(new Thing('dev1', await env.connect({ clientId: 'lock' }))));
    const [, [job]] = await jobs.list();
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'update' }, 1);
    jest.useFakeTimers(FAKE);
    const stuck = job!.update(Job.IN_PROGRESS, undefined, { timeoutMs: 3_000 });
    const gets = countRequests('$aws/things/dev1/jobs/get');
    const listed = jobs.list({ timeoutMs: 100 }).catch((e: unknown) => e);
    const controller = new AbortController();
    const aborted = jobs.list({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(await aborted).toBeInstanceOf(JobsAbortError);
    await jest.advanceTimersByTimeAsync(100);
    const error = await listed;
    expect(error).toBeInstanceOf(JobsTimeoutError);
    expect(error).toMatchObject({ requestSent: false });
    await jest.advanceTimersByTimeAsync(2_900);
    expect(await stuck).toBe(false);
    expect(gets()).toBe(0);
  });

  test('close() rejects a call queued behind the lock with "Jobs closed", and it never publishes afterwards', async () => {
    queue('a');
    const jobs = new Jobs(new Thing('dev1', await env.connect({ clientId: 'queued' })));
    const [, [job]] = await jobs.list();
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'update' }, 1);
    const stuck = job!.update(Job.IN_PROGRESS);
    const gets = countRequests('$aws/things/dev1/jobs/get');
    const queued = jobs.list().catch((e: unknown) => e);
    await jobs.close();
    const error = await queued;
    expect(error).toBeInstanceOf(JobsClosedError);
    expect((error as Error).message).toContain('Jobs closed');
    expect(await stuck).toBe(false);
    expect(job!.error).toBeInstanceOf(JobsClosedError);
    expect(await job!.describe()).toBe(false); // a handle of a closed Jobs fails at once
    expect(job!.error).toBeInstanceOf(JobsClosedError);
    await jobs.client.getPendingJobExecutions('dev2').catch(() => undefined); // a round trip
    expect(gets()).toBe(0);
  });

  test('close() settles a list({ timeoutMs: Infinity }) in flight', async () => {
    const jobs = new Jobs(new Thing('dev1', await env.connect({ clientId: 'infinite' })));
    env.simulator.faults.dropReplies({ thingName: 'dev1', operation: 'getPending' }, 1);
    const listing = jobs.list({ timeoutMs: Infinity }).catch((e: unknown) => e);
    await jobs.ready;
    await jobs.close();
    expect(await listing).toBeInstanceOf(JobsClosedError);
  });

  test('Jobs.close() while offline with reconnect off settles at once; waitForChange() settles when the connection ends for good', async () => {
    const connection = await env.connect({ clientId: 'gone', reconnectPeriod: 0 });
    const jobs = new Jobs(new Thing('dev1', connection));
    await jobs.ready;
    jobs.changed();
    const waiting = jobs.waitForChange().catch((e: unknown) => e);
    await connection.end(true);
    expect(await waiting).toBeInstanceOf(ConnectionClosedError);
    await jobs.close();
  });

  test('Jobs.close() and JobsClient.close() settle within the timeout when the broker never answers UNSUBSCRIBE', async () => {
    const real = await env.connect({ clientId: 'no-unsuback' });
    const silent: MqttConnection = {
      publish: (topic, payload, options) => real.publish(topic, payload, options ?? { qos: 1 }),
      subscribe: (filters, options) => real.subscribe(filters, options ?? { qos: 1 }),
      unsubscribe: () => new Promise(() => undefined),
      on: ((event: 'message', listener: (topic: string, payload: Buffer) => void) => real.on(event, listener)) as MqttConnection['on'],
      off: ((event: 'message', listener: (topic: string, payload: Buffer) => void) => real.off(event, listener)) as MqttConnection['off'],
      get connected() {
        return real.connected;
      },
    };
    const client = new JobsClient(silent, { timeoutMs: 1_000 });
    const jobs = new Jobs(new Thing('dev1', silent), { client });
    await jobs.ready;
    jest.useFakeTimers(FAKE);
    const closing = jobs.close();
    await jest.advanceTimersByTimeAsync(1_000);
    await closing;
    await client.watch('dev2');
    const clientClosing = client.close();
    await jest.advanceTimersByTimeAsync(1_000);
    await clientClosing;
  });
});

describe('6. listeners cannot hurt the library', () => {
  test('a throwing Jobs listener is reported as an error event, the others still run, and no rejection goes unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => Promise.resolve(void process.off('unhandledRejection', onUnhandled)));
    const jobs = open(new Jobs(new Thing('dev1', await env.connect({ clientId: 'thrower' }))));
    await jobs.ready;
    const errors: string[] = [];
    jobs.events.on('changed', () => {
      throw new Error('listener bug');
    });
    const after = nextChange(jobs);
    jobs.events.on('error', (error) => {
      errors.push(error.message);
      throw new Error('error listener bug too');
    });
    queue('a');
    await after;
    await jobs.list();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]).toContain("a 'changed' listener threw");
    expect(unhandled).toEqual([]);
  });
});

describe('7. one truth per execution', () => {
  test('two Jobs of one thing on one connection chain versions: B updates after A with no VersionMismatch', async () => {
    queue('a');
    const connection = await env.connect({ clientId: 'two' });
    const jobsA = open(new Jobs(new Thing('dev1', connection)));
    const jobsB = open(new Jobs(new Thing('dev1', connection)));
    const [, [jobA]] = await jobsA.list();
    const [, [jobB]] = await jobsB.list();
    expect(await jobA!.update(Job.IN_PROGRESS)).toBe(true);
    expect(jobB!.version).toBe(2);
    expect(await jobB!.update(Job.SUCCEEDED)).toBe(true);
    expect(jobA!.status).toBe('SUCCEEDED');
  });
});

describe('8. bad input rejects with InvalidArgumentError before anything is sent', () => {
  test('statusDetails, options, signals and timeouts', async () => {
    queue('a');
    const connection = await env.connect({ clientId: 'bad-input' });
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    const [, [job]] = await jobs.list();
    const updates = countRequests('$aws/things/dev1/jobs/a/update');
    const getter = Object.defineProperty({}, 'k', { get: () => 'v', enumerable: true });
    const bad: Array<() => Promise<unknown>> = [
      () => job!.update(Job.IN_PROGRESS, new Map([['k', 'v']]) as unknown as Record<string, string>),
      () => job!.update(Job.IN_PROGRESS, new Date() as unknown as Record<string, string>),
      () => job!.update(Job.IN_PROGRESS, new String('x') as unknown as Record<string, string>),
      () => job!.update(Job.IN_PROGRESS, getter),
      () => job!.update(Job.IN_PROGRESS, undefined, null as unknown as object),
      () => job!.update(Job.IN_PROGRESS, undefined, { timeoutMs: -1 }),
      () => job!.update(Job.IN_PROGRESS, undefined, { signal: 'x' as unknown as AbortSignal }),
      () => job!.update(Job.IN_PROGRESS, { big: 'x'.repeat(1_025) }),
      () => job!.describe({ timeoutMs: Number.NaN }),
      () => jobs.startNext(undefined, null as unknown as object),
      () => jobs.waitForChange(null as unknown as object),
      () => jobs.list({ timeoutMs: -5 }),
    ];
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new JobsClient(connection, null as unknown as object)).toThrow(InvalidArgumentError);
    expect(() => new Thing('dev1', undefined as unknown as MqttConnection)).toThrow(InvalidArgumentError);
    expect(() => new Jobs({ thingName: 'dev1' } as unknown as Thing)).toThrow(InvalidArgumentError);
    expect(() => new Jobs(new Thing('dev1', connection), null as unknown as object)).toThrow(InvalidArgumentError);
    await jobs.list();
    expect(updates()).toBe(0);
  });

  test('a SimulatorError (a test-kit misuse) is not turned into false', async () => {
    queue('a');
    const real = await env.connect({ clientId: 'misuse' });
    const misuse: MqttConnection = {
      publish: () => Promise.reject(new SimulatorError('InvalidRequestException', 'misused')),
      subscribe: (filters, options) => real.subscribe(filters, options ?? { qos: 1 }),
      unsubscribe: (filters) => real.unsubscribe(filters),
      on: ((event: 'message', listener: (topic: string, payload: Buffer) => void) => real.on(event, listener)) as MqttConnection['on'],
      off: ((event: 'message', listener: (topic: string, payload: Buffer) => void) => real.off(event, listener)) as MqttConnection['off'],
    };
    const jobs = open(new Jobs(new Thing('dev1', misuse)));
    await expect(jobs.job('a').describe()).rejects.toBeInstanceOf(SimulatorError);
  });
});

describe('issue 11: private routing and a lean surface', () => {
  test('nothing a user does to the public emitter deafens a Jobs; on() returns an unsubscribe function', async () => {
    const connection = await env.connect({ clientId: 'deaf' });
    const jobs = open(new Jobs(new Thing('dev1', connection)));
    await jobs.ready;
    jobs.changed();
    let heard = 0;
    const off = jobs.client.events.on('notify', () => (heard += 1));
    off();
    jobs.client.events.off('notify');
    jobs.client.events.all.clear();
    const change = nextChange(jobs);
    queue('still-heard');
    expect(await change).toMatch(/^notify/);
    expect(heard).toBe(0);
  });

  test('Job internals are not public', async () => {
    const jobs = open(new Jobs(new Thing('dev1', await env.connect({ clientId: 'surface' }))));
    const job = jobs.job('x');
    expect('applySummary' in job).toBe(false);
    expect('applyExecution' in job).toBe(false);
    expect('applyState' in job).toBe(false);
  });

  test('Symbol.asyncDispose closes a Jobs and a JobsClient', async () => {
    const connection = await env.connect({ clientId: 'dispose' });
    const jobs = new Jobs(new Thing('dev1', connection));
    const client = new JobsClient(connection);
    await jobs[Symbol.asyncDispose]();
    await client[Symbol.asyncDispose]();
    await expect(jobs.list()).rejects.toBeInstanceOf(JobsClosedError);
    expect(client.isClosed).toBe(true);
  });
});

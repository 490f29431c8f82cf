/**
 * Property tests with fast-check at every public entry point: random thing
 * names, job ids, statusDetails and option values are either valid by the
 * AWS rules (docs/protocol.md §12, written out again here as an independent oracle)
 * and accepted, or refused with InvalidArgumentError before anything is
 * sent; and nothing is ever published or subscribed outside
 * `$aws/things/<that thing>/jobs/`.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { InvalidArgumentError, JobsRejectedError, JobsTimeoutError } from '../../lib/errors.js';
import { Jobs, Thing } from '../../lib/index.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/index.js';
import type { MqttConnection } from '../../lib/mqtt/connection.js';
import { recording } from './recording-connection.js';

// ------------------------------------------------------------ the oracle (docs/protocol.md §12)

const validThingName = (v: unknown): boolean => typeof v === 'string' && /^[a-zA-Z0-9:_-]{1,128}$/.test(v);
const validJobId = (v: unknown): boolean => typeof v === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(v);
const validDescribeJobId = (v: unknown): boolean => v === '$next' || validJobId(v);
const validDetails = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.entries(v).every(([key, value]) => /^[a-zA-Z0-9:_-]{1,128}$/.test(key) && typeof value === 'string' && value.length <= 1024 && /^[^\p{C}]+$/u.test(value));
const validStep = (v: unknown, allowCancel: boolean): boolean => Number.isInteger(v) && ((v as number) >= 1 && (v as number) <= 10080 || (allowCancel && v === -1));
const validTimeout = (v: unknown): boolean => typeof v === 'number' && !Number.isNaN(v) && v >= 0;
const validCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const validToken = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 64 && !/\p{Cc}/u.test(v);
const validStatus = (v: unknown): boolean => v === 'IN_PROGRESS' || v === 'SUCCEEDED' || v === 'FAILED' || v === 'REJECTED';

// ------------------------------------------------------------ arbitraries: valid values mixed with hostile ones

const NAME_CHARS = 'abcXYZ019:_-';
const ID_CHARS = 'abcXYZ019_-';
const fromChars = (chars: string, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: max });
const hostileString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '+', '#', '/', 'a/b', '$next', 'x'.repeat(129), 'a\u0000b', '../jobs'));
const thingNameArb = fc.oneof(fromChars(NAME_CHARS, 128), hostileString, fc.anything());
const jobIdArb = fc.oneof(fromChars(ID_CHARS, 64), hostileString, fc.anything());
const detailValue = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary' }), fc.anything());
const detailsArb = fc.oneof(
  fc.dictionary(fromChars(NAME_CHARS, 20), fc.string({ minLength: 1, maxLength: 30 })),
  fc.dictionary(fc.oneof(fromChars(NAME_CHARS, 20), fc.string()), detailValue),
  fc.anything(),
);
const numberArb = fc.oneof(fc.integer({ min: -2, max: 20_000 }), fc.double(), fc.anything());
const timeoutArb = fc.oneof(fc.constant(undefined), fc.integer({ min: 1_000, max: 60_000 }), fc.double(), fc.anything());
const statusArb = fc.oneof(fc.constantFrom('IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED', 'QUEUED', 'CANCELED', 'in_progress'), fc.anything());

// ------------------------------------------------------------ the environment

let env: TestEnvironment;
let mqtt: AsyncMqttClient;

beforeAll(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  mqtt = await env.connect({ clientId: 'fuzz' });
  env.simulator.createThing({ thingName: 'fuzz-thing' });
});

afterAll(async () => {
  await env.close();
});

/** What a call gets: a fresh client on a fresh recording of the connection. */
interface Rig {
  client: JobsClient;
  connection: MqttConnection;
}

/**
 * Runs `call` on a fresh client: refused with InvalidArgumentError before
 * anything is published when `valid` is false (and before anything at all is
 * sent when the thing name is bad); otherwise it settles, and every
 * topic published, subscribed or unsubscribed (until the client is closed)
 * lies under `$aws/things/<thingName>/jobs/`.
 */
async function check(valid: boolean, thingName: unknown, call: (rig: Rig) => Promise<unknown>): Promise<void> {
  const { connection, log } = recording(mqtt);
  const client = new JobsClient(connection, { timeoutMs: 5_000 });
  const outcome = await call({ client, connection }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await client.close();
  if (!valid) {
    expect(outcome).toMatchObject({ ok: false });
    expect((outcome as { error: unknown }).error).toBeInstanceOf(InvalidArgumentError);
    // Nothing published; a Jobs' own notification subscriptions may exist, under its thing's prefix.
    expect(log.filter((sent) => sent.kind === 'publish')).toEqual([]);
    if (!validThingName(thingName)) expect(log).toEqual([]);
    else expect(log.filter((sent) => !sent.topic.startsWith(`$aws/things/${String(thingName)}/jobs/`))).toEqual([]);
    return;
  }
  if (!outcome.ok && !(outcome.error instanceof JobsRejectedError) && !(outcome.error instanceof JobsTimeoutError)) throw outcome.error;
  const prefix = `$aws/things/${String(thingName)}/jobs/`;
  expect(log.filter((sent) => !sent.topic.startsWith(prefix))).toEqual([]);
}

const RUNS = { numRuns: 150 };

test('Thing and Jobs constructors accept exactly the valid thing names', () => {
  const { connection, log } = recording(mqtt);
  fc.assert(
    fc.property(thingNameArb, (thingName) => {
      const make = (): Thing => new Thing(thingName as string, connection);
      if (validThingName(thingName)) expect(make().thingName).toBe(thingName);
      else expect(make).toThrow(InvalidArgumentError);
      // Jobs validates a ThingLike that skipped Thing's constructor too.
      const before = log.length;
      if (!validThingName(thingName)) expect(() => new Jobs({ thingName: thingName as string, connection })).toThrow(InvalidArgumentError);
      expect(log.length).toBe(before);
    }),
    { numRuns: 300 },
  );
});

test('JobsClient options are validated', () => {
  const { connection } = recording(mqtt);
  fc.assert(
    fc.property(timeoutArb, fc.oneof(fc.constantFrom('per-thing', 'wildcard'), fc.anything()), fc.oneof(fc.constantFrom(0, 1, 2), fc.anything()), (timeoutMs, subscriptions, qos) => {
      const valid =
        (timeoutMs === undefined || validTimeout(timeoutMs)) && (subscriptions === undefined || subscriptions === 'per-thing' || subscriptions === 'wildcard') && (qos === undefined || qos === 0 || qos === 1);
      const make = (): JobsClient => new JobsClient(connection, { timeoutMs, subscriptions, qos } as never);
      if (valid) void make().close();
      else expect(make).toThrow(InvalidArgumentError);
    }),
    { numRuns: 300 },
  );
});

test('getPendingJobExecutions and watch: thing name, clientToken, timeoutMs', async () => {
  await fc.assert(
    fc.asyncProperty(thingNameArb, fc.oneof(fc.constant(undefined), fc.uuid(), hostileString, fc.anything()), timeoutArb, async (thingName, clientToken, timeoutMs) => {
      const valid = validThingName(thingName) && (clientToken === undefined || validToken(clientToken)) && (timeoutMs === undefined || validTimeout(timeoutMs));
      await check(valid, thingName, ({ client }) => client.getPendingJobExecutions(thingName as string, { clientToken } as never, { timeoutMs } as never));
      const watchValid = validThingName(thingName) && (timeoutMs === undefined || validTimeout(timeoutMs));
      await check(watchValid, thingName, async ({ client }) => {
        await client.watch(thingName as string, { timeoutMs } as never);
        await client.unwatch(thingName as string);
      });
    }),
    RUNS,
  );
});

test('describeJobExecution: job id ($next allowed), executionNumber, includeJobDocument', async () => {
  await fc.assert(
    fc.asyncProperty(thingNameArb, jobIdArb, fc.oneof(fc.constant(undefined), numberArb), fc.oneof(fc.constant(undefined), fc.boolean(), fc.anything()), async (thingName, jobId, executionNumber, includeJobDocument) => {
      const valid =
        validThingName(thingName) &&
        validDescribeJobId(jobId) &&
        (executionNumber === undefined || validCount(executionNumber)) &&
        (includeJobDocument === undefined || typeof includeJobDocument === 'boolean');
      await check(valid, thingName, ({ client }) => client.describeJobExecution(thingName as string, jobId as string, { executionNumber, includeJobDocument } as never));
    }),
    RUNS,
  );
});

test('startNextPendingJobExecution and updateJobExecution: statusDetails, step timeout, versions, status', async () => {
  await fc.assert(
    fc.asyncProperty(thingNameArb, jobIdArb, statusArb, fc.oneof(fc.constant(undefined), detailsArb), fc.oneof(fc.constant(undefined), numberArb), fc.oneof(fc.constant(undefined), numberArb), async (thingName, jobId, status, statusDetails, step, expectedVersion) => {
      const detailsOk = statusDetails === undefined || validDetails(statusDetails);
      const startValid = validThingName(thingName) && detailsOk && (step === undefined || validStep(step, false));
      await check(startValid, thingName, ({ client }) => client.startNextPendingJobExecution(thingName as string, { statusDetails, stepTimeoutInMinutes: step } as never));
      const updateValid =
        validThingName(thingName) &&
        validJobId(jobId) &&
        validStatus(status) &&
        detailsOk &&
        (step === undefined || validStep(step, true)) &&
        (expectedVersion === undefined || validCount(expectedVersion));
      await check(updateValid, thingName, ({ client }) =>
        client.updateJobExecution(thingName as string, jobId as string, { status, statusDetails, stepTimeoutInMinutes: step, expectedVersion } as never),
      );
    }),
    RUNS,
  );
});

test('Jobs.startNext / waitForChange, Jobs.job and Job.update: details, step timeout, timeouts, retries and delays', async () => {
  /** A Jobs on the rig's connection and client, closed after `use`. */
  const withJobs = async <T>(rig: Rig, use: (jobs: Jobs) => Promise<T>): Promise<T> => {
    const jobs = new Jobs(new Thing('fuzz-thing', rig.connection), { client: rig.client });
    try {
      await jobs.ready;
      jobs.changed();
      return await use(jobs);
    } finally {
      await jobs.close();
    }
  };
  await fc.assert(
    fc.asyncProperty(jobIdArb, statusArb, fc.oneof(fc.constant(undefined), detailsArb), fc.oneof(fc.constant(undefined), numberArb), fc.oneof(fc.constant(undefined), numberArb), fc.oneof(fc.constant(undefined), numberArb), async (jobId, status, statusDetails, step, retries, retryDelayMs) => {
      const detailsOk = statusDetails === undefined || validDetails(statusDetails);
      await check(detailsOk && (step === undefined || validStep(step, false)), 'fuzz-thing', (rig) =>
        withJobs(rig, (jobs) => jobs.startNext(statusDetails as never, { stepTimeoutInMinutes: step } as never)),
      );
      // A valid (or no) timeout is replaced by 0, so the wait ends at once (with JobsTimeoutError).
      await check(step === undefined || validTimeout(step), 'fuzz-thing', (rig) =>
        withJobs(rig, (jobs) => jobs.waitForChange({ timeoutMs: step === undefined || validTimeout(step) ? 0 : step } as never)),
      );
      const updateValid =
        validJobId(jobId) &&
        validStatus(status) &&
        detailsOk &&
        (step === undefined || validStep(step, true)) &&
        (retries === undefined || validCount(retries)) &&
        (retryDelayMs === undefined || validCount(retryDelayMs));
      await check(updateValid, 'fuzz-thing', (rig) =>
        withJobs(rig, (jobs) => jobs.job(jobId as string).update(status as never, statusDetails as never, { stepTimeoutInMinutes: step, retries, retryDelayMs } as never)),
      );
    }),
    { numRuns: 60 },
  );
}, 20_000);

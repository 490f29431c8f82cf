/**
 * The in-process control API (docs/protocol.md §8, §11): AWS names, shapes, errors,
 * fractional-second times.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { SimulatorError } from '../../../lib/testing/simulator/simulator-error.js';
import { JobsError } from '../../../lib/errors.js';
import { DOC, ManualClock, queueJob } from './helpers.js';

let clock: ManualClock;
let sim: JobsSimulator;
const NOW_MS = 1_719_940_632_789;
const ARN = 'arn:aws:iot:us-east-1:123456789012';

beforeEach(() => {
  clock = new ManualClock(NOW_MS);
  sim = new JobsSimulator({ clock });
  for (const thingName of ['t1', 't2', 't3']) sim.createThing({ thingName });
});
afterEach(async () => {
  await sim.close();
});

function refusal(call: () => unknown): SimulatorError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    expect(error).toBeInstanceOf(JobsError);
    return error as SimulatorError;
  }
  throw new Error('expected the call to throw');
}

describe('things', () => {
  test('createThing returns name, ARN and id; is idempotent; a different configuration is ResourceAlreadyExistsException', () => {
    const created = sim.createThing({ thingName: 'device-1', attributePayload: { attributes: { model: 'x1' } } });
    expect(created).toEqual({ thingName: 'device-1', thingArn: `${ARN}:thing/device-1`, thingId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(sim.createThing({ thingName: 'device-1', attributePayload: { attributes: { model: 'x1' } } })).toEqual(created);
    const error = refusal(() => sim.createThing({ thingName: 'device-1' }));
    expect(error).toMatchObject({ code: 'ResourceAlreadyExistsException', httpStatus: 409, resourceId: created.thingId, resourceArn: created.thingArn });
    expect(sim.describeThing({ thingName: 'device-1' })).toEqual({
      defaultClientId: 'device-1',
      thingName: 'device-1',
      thingId: created.thingId,
      thingArn: created.thingArn,
      attributes: { model: 'x1' },
      version: 1,
    });
  });

  test('bad names are InvalidRequestException; an unknown thing is ResourceNotFoundException; deleteThing of an unknown thing succeeds', () => {
    expect(refusal(() => sim.createThing({ thingName: 'bad name' }))).toMatchObject({ code: 'InvalidRequestException', httpStatus: 400 });
    expect(refusal(() => sim.describeThing({ thingName: 'ghost' }))).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404 });
    expect(sim.deleteThing({ thingName: 'ghost' })).toEqual({});
  });

  test('deleteThing removes the thing and its pending executions become REMOVED', () => {
    queueJob(sim, 'job1', ['t1', 't2']);
    sim.deleteThing({ thingName: 't1' });
    expect(refusal(() => sim.describeThing({ thingName: 't1' })).code).toBe('ResourceNotFoundException');
    expect(sim.describeJob({ jobId: 'job1' }).job.jobProcessDetails).toMatchObject({ numberOfRemovedThings: 1, numberOfQueuedThings: 1 });
  });
});

describe('createJob and describeJob', () => {
  test('targets as names or ARNs; DescribeJob in AWS shape with fractional seconds and counters', () => {
    expect(sim.createJob({ jobId: 'job1', targets: ['t1', `${ARN}:thing/t2`, 't1'], document: JSON.stringify(DOC), description: 'reboot all' })).toEqual({
      jobArn: `${ARN}:job/job1`,
      jobId: 'job1',
      description: 'reboot all',
    });
    expect(sim.describeJob({ jobId: 'job1' })).toEqual({
      job: {
        jobArn: `${ARN}:job/job1`,
        jobId: 'job1',
        targetSelection: 'SNAPSHOT',
        status: 'IN_PROGRESS',
        targets: [`${ARN}:thing/t1`, `${ARN}:thing/t2`],
        description: 'reboot all',
        createdAt: NOW_MS / 1000,
        lastUpdatedAt: NOW_MS / 1000,
        isConcurrent: false,
        jobProcessDetails: {
          numberOfCanceledThings: 0,
          numberOfSucceededThings: 0,
          numberOfFailedThings: 0,
          numberOfRejectedThings: 0,
          numberOfQueuedThings: 2,
          numberOfInProgressThings: 0,
          numberOfRemovedThings: 0,
          numberOfTimedOutThings: 0,
        },
      },
    });
    expect(sim.describeJob({ jobId: 'job1' }).job.createdAt).toBe(1_719_940_632.789);
    expect(sim.getJobDocument({ jobId: 'job1' })).toEqual({ document: JSON.stringify(DOC) });
  });

  test('the document text is kept as given; devices get it parsed', () => {
    const text = '{ "a" : 1,\n "b": [true] }';
    sim.createJob({ jobId: 'j', targets: ['t1'], document: text, timeoutConfig: { inProgressTimeoutInMinutes: 5 } });
    expect(sim.getJobDocument({ jobId: 'j' }).document).toBe(text);
    const reply = sim.describeJobExecutionForDevice('t1', 'j', {});
    expect(reply).toEqual({ ok: true, reply: { execution: expect.objectContaining({ jobDocument: { a: 1, b: [true] } }) } });
    expect(sim.describeJobExecutionForDevice('t1', 'j', {}, { protocol: 'http' })).toEqual({
      ok: true,
      reply: { execution: expect.objectContaining({ jobDocument: text, thingName: 't1' }) },
    });
    expect(sim.describeJob({ jobId: 'j' }).job.timeoutConfig).toEqual({ inProgressTimeoutInMinutes: 5 });
  });

  test('invalid input gets the AWS error', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ jobId: 'bad id', targets: ['t1'], document: '{}' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: [], document: '{}' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'] }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: 'not json' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: '[1]' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: `{"x":"${'a'.repeat(32768)}"}` }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], documentSource: 'https://s3.amazonaws.com/b/k' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: '{}', targetSelection: 'SOMETIMES' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: '{}', timeoutConfig: { inProgressTimeoutInMinutes: 0 } }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: '{}', timeoutConfig: { inProgressTimeoutInMinutes: 10081 } }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['t1'], document: '{}', description: 'bell\u0007' }, 'InvalidRequestException'],
      [{ jobId: 'j', targets: ['ghost'], document: '{}' }, 'ResourceNotFoundException'],
      [{ jobId: 'j', targets: ['arn:aws:iot:eu-west-1:123456789012:thing/t1'], document: '{}' }, 'ResourceNotFoundException'],
      [{ jobId: 'j', targets: [`${ARN}:thinggroup/g`], document: '{}' }, 'ResourceNotFoundException'],
      [{ jobId: 'j', targets: [42], document: '{}' }, 'InvalidRequestException'],
    ];
    for (const [request, code] of cases) {
      expect({ request, code: refusal(() => sim.createJob(request as never)).code }).toEqual({ request, code });
    }
    expect(sim.listJobs().jobs).toEqual([]);
  });

  test('an existing jobId is ResourceAlreadyExistsException (409)', () => {
    queueJob(sim, 'job1', ['t1']);
    expect(refusal(() => queueJob(sim, 'job1', ['t2']))).toMatchObject({
      code: 'ResourceAlreadyExistsException',
      httpStatus: 409,
      resourceId: 'job1',
      resourceArn: `${ARN}:job/job1`,
    });
  });

  test('autoCreateThings registers unknown targets', async () => {
    const auto = new JobsSimulator({ clock, autoCreateThings: true });
    queueJob(auto, 'job1', ['fresh']);
    expect(auto.describeThing({ thingName: 'fresh' }).thingArn).toBe(`${ARN}:thing/fresh`);
    await auto.close();
  });

  test('region and account shape the ARNs', async () => {
    const other = new JobsSimulator({ clock, region: 'eu-central-1', accountId: '999999999999', autoCreateThings: true });
    expect(other.createJob({ jobId: 'j', targets: ['arn:aws:iot:eu-central-1:999999999999:thing/x'], document: '{}' }).jobArn).toBe(
      'arn:aws:iot:eu-central-1:999999999999:job/j',
    );
    await other.close();
  });

  test('a SNAPSHOT job COMPLETES when every execution is terminal; a CONTINUOUS job never does', () => {
    queueJob(sim, 'snap', ['t1', 't2']);
    queueJob(sim, 'cont', ['t1'], { targetSelection: 'CONTINUOUS' });
    sim.updateJobExecution('t1', 'snap', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'snap' }).job.status).toBe('IN_PROGRESS');
    clock.advance(2500);
    sim.updateJobExecution('t2', 'snap', { status: 'FAILED' });
    sim.updateJobExecution('t1', 'cont', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'snap' }).job).toMatchObject({
      status: 'COMPLETED',
      completedAt: (NOW_MS + 2500) / 1000,
      jobProcessDetails: { numberOfSucceededThings: 1, numberOfFailedThings: 1, numberOfQueuedThings: 0 },
    });
    expect(sim.describeJob({ jobId: 'cont' }).job).toMatchObject({ status: 'IN_PROGRESS', targetSelection: 'CONTINUOUS' });
    expect(sim.describeJob({ jobId: 'cont' }).job).not.toHaveProperty('completedAt');
  });

  test('unknown job: ResourceNotFoundException everywhere', () => {
    for (const call of [
      () => sim.describeJob({ jobId: 'nope' }),
      () => sim.getJobDocument({ jobId: 'nope' }),
      () => sim.cancelJob({ jobId: 'nope' }),
      () => sim.deleteJob({ jobId: 'nope' }),
      () => sim.listJobExecutionsForJob({ jobId: 'nope' }),
      () => sim.describeJobExecution({ jobId: 'nope', thingName: 't1' }),
      () => sim.cancelJobExecution({ jobId: 'nope', thingName: 't1' }),
    ]) {
      expect(refusal(call)).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404 });
    }
  });
});

describe('listJobs', () => {
  test('filters by status and targetSelection; pages with maxResults and nextToken', () => {
    for (let i = 1; i <= 5; i += 1) queueJob(sim, `job${i}`, ['t1'], i === 5 ? { targetSelection: 'CONTINUOUS' } : {});
    sim.cancelJob({ jobId: 'job2' });
    expect(sim.listJobs({ status: 'CANCELED' }).jobs.map((job) => job.jobId)).toEqual(['job2']);
    expect(sim.listJobs({ targetSelection: 'CONTINUOUS' }).jobs.map((job) => job.jobId)).toEqual(['job5']);
    const first = sim.listJobs({ maxResults: 2 });
    expect(first.jobs.map((job) => job.jobId)).toEqual(['job1', 'job2']);
    expect(first.jobs[0]).toEqual({
      jobArn: `${ARN}:job/job1`,
      jobId: 'job1',
      targetSelection: 'SNAPSHOT',
      status: 'IN_PROGRESS',
      createdAt: NOW_MS / 1000,
      lastUpdatedAt: NOW_MS / 1000,
      isConcurrent: false,
    });
    const second = sim.listJobs({ maxResults: 2, nextToken: first.nextToken! });
    expect(second.jobs.map((job) => job.jobId)).toEqual(['job3', 'job4']);
    const last = sim.listJobs({ maxResults: 2, nextToken: second.nextToken! });
    expect(last.jobs.map((job) => job.jobId)).toEqual(['job5']);
    expect(last).not.toHaveProperty('nextToken');
    expect(sim.listJobs().jobs).toHaveLength(5);
  });

  test('bad maxResults, nextToken or status is InvalidRequestException', () => {
    for (const request of [{ maxResults: 0 }, { maxResults: 251 }, { nextToken: 'garbage' }, { status: 'DONE' }]) {
      expect(refusal(() => sim.listJobs(request as never)).code).toBe('InvalidRequestException');
    }
  });
});

describe('cancelJob', () => {
  test('QUEUED executions become CANCELED; IN_PROGRESS ones only with force; terminal ones are untouched', () => {
    queueJob(sim, 'job1', ['t1', 't2', 't3']);
    sim.startNextPendingJobExecution('t2');
    sim.updateJobExecution('t3', 'job1', { status: 'SUCCEEDED' });
    expect(sim.cancelJob({ jobId: 'job1', reasonCode: 'BAD_FIRMWARE', comment: 'recalled' })).toEqual({ jobArn: `${ARN}:job/job1`, jobId: 'job1' });
    let job = sim.describeJob({ jobId: 'job1' }).job;
    expect(job).toMatchObject({ status: 'CANCELED', reasonCode: 'BAD_FIRMWARE', comment: 'recalled' });
    expect(job.jobProcessDetails).toMatchObject({ numberOfCanceledThings: 1, numberOfInProgressThings: 1, numberOfSucceededThings: 1 });
    expect(job).not.toHaveProperty('forceCanceled');
    sim.cancelJob({ jobId: 'job1', force: true });
    job = sim.describeJob({ jobId: 'job1' }).job;
    expect(job).toMatchObject({ status: 'CANCELED', forceCanceled: true, jobProcessDetails: { numberOfCanceledThings: 2, numberOfInProgressThings: 0 } });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't2' }).execution).toMatchObject({ status: 'CANCELED', forceCanceled: true, versionNumber: 2 });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't3' }).execution.status).toBe('SUCCEEDED');
  });

  test('a COMPLETED job cannot be canceled; a bad reasonCode is InvalidRequestException', () => {
    queueJob(sim, 'job1', ['t1']);
    expect(refusal(() => sim.cancelJob({ jobId: 'job1', reasonCode: 'lower case' })).code).toBe('InvalidRequestException');
    sim.updateJobExecution('t1', 'job1', { status: 'SUCCEEDED' });
    expect(refusal(() => sim.cancelJob({ jobId: 'job1' }))).toMatchObject({ code: 'InvalidStateTransitionException', httpStatus: 409 });
  });
});

describe('deleteJob', () => {
  test('IN_PROGRESS without force is InvalidStateTransitionException; with force DELETION_IN_PROGRESS, then gone on the next clock tick', () => {
    queueJob(sim, 'job1', ['t1']);
    expect(refusal(() => sim.deleteJob({ jobId: 'job1' }))).toMatchObject({ code: 'InvalidStateTransitionException', httpStatus: 409 });
    sim.deleteJob({ jobId: 'job1', force: true });
    expect(sim.describeJob({ jobId: 'job1' }).job.status).toBe('DELETION_IN_PROGRESS');
    expect(sim.listJobs({ status: 'DELETION_IN_PROGRESS' }).jobs).toHaveLength(1);
    expect(refusal(() => sim.deleteJob({ jobId: 'job1', force: true })).code).toBe('InvalidStateTransitionException');
    expect(refusal(() => sim.cancelJob({ jobId: 'job1' })).code).toBe('InvalidStateTransitionException');
    expect(sim.describeJobExecutionForDevice('t1', 'job1', {})).toMatchObject({ ok: false, error: { code: 'ResourceNotFound' } });
    clock.advance(0);
    expect(refusal(() => sim.describeJob({ jobId: 'job1' })).code).toBe('ResourceNotFoundException');
    // The id may be reused.
    queueJob(sim, 'job1', ['t1']);
    expect(sim.describeJob({ jobId: 'job1' }).job.status).toBe('IN_PROGRESS');
  });

  test('a COMPLETED or CANCELED job is deleted without force; at most 10 deletions at once', () => {
    for (let i = 0; i < 11; i += 1) {
      queueJob(sim, `job${i}`, ['t1']);
      sim.cancelJob({ jobId: `job${i}` });
    }
    for (let i = 0; i < 10; i += 1) sim.deleteJob({ jobId: `job${i}` });
    expect(refusal(() => sim.deleteJob({ jobId: 'job10' }))).toMatchObject({ code: 'LimitExceededException', httpStatus: 410 });
    clock.advance(0);
    sim.deleteJob({ jobId: 'job10' });
  });

  test('deletionDelayMs keeps the job observable for longer', async () => {
    const slow = new JobsSimulator({ clock, autoCreateThings: true, behavior: { deletionDelayMs: 5000 } });
    queueJob(slow, 'job1', ['t1']);
    slow.deleteJob({ jobId: 'job1', force: true });
    clock.advance(4999);
    expect(slow.describeJob({ jobId: 'job1' }).job.status).toBe('DELETION_IN_PROGRESS');
    clock.advance(1);
    expect(() => slow.describeJob({ jobId: 'job1' })).toThrow(SimulatorError);
    await slow.close();
  });

  test('with jest fake timers, the deletion completes on advanceTimersByTime(0)', async () => {
    jest.useFakeTimers();
    try {
      const real = new JobsSimulator({ autoCreateThings: true });
      queueJob(real, 'job1', ['t1']);
      real.deleteJob({ jobId: 'job1', force: true });
      expect(real.describeJob({ jobId: 'job1' }).job.status).toBe('DELETION_IN_PROGRESS');
      jest.advanceTimersByTime(0);
      expect(() => real.describeJob({ jobId: 'job1' })).toThrow(SimulatorError);
      await real.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('job executions', () => {
  test('describeJobExecution: statusDetails.detailsMap, thingArn, no document, fractional seconds', () => {
    queueJob(sim, 'job1', ['t1']);
    clock.advance(1234);
    sim.startNextPendingJobExecution('t1', { statusDetails: { step: '1' } });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't1' })).toEqual({
      execution: {
        jobId: 'job1',
        status: 'IN_PROGRESS',
        statusDetails: { detailsMap: { step: '1' } },
        thingArn: `${ARN}:thing/t1`,
        queuedAt: NOW_MS / 1000,
        startedAt: (NOW_MS + 1234) / 1000,
        lastUpdatedAt: (NOW_MS + 1234) / 1000,
        executionNumber: 1,
        versionNumber: 2,
      },
    });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't1', executionNumber: 1 }).execution.executionNumber).toBe(1);
    expect(refusal(() => sim.describeJobExecution({ jobId: 'job1', thingName: 't1', executionNumber: 2 })).code).toBe('ResourceNotFoundException');
    expect(refusal(() => sim.describeJobExecution({ jobId: 'job1', thingName: 't2' })).code).toBe('ResourceNotFoundException');
  });

  test('listJobExecutionsForThing and ForJob: summaries, status filter, paging', () => {
    queueJob(sim, 'job1', ['t1', 't2']);
    queueJob(sim, 'job2', ['t1']);
    queueJob(sim, 'job3', ['t1']);
    sim.updateJobExecution('t1', 'job2', { status: 'IN_PROGRESS' });
    const forThing = sim.listJobExecutionsForThing({ thingName: 't1' });
    expect(forThing.executionSummaries.map((summary) => summary.jobId)).toEqual(['job1', 'job2', 'job3']);
    expect(forThing.executionSummaries[1]).toEqual({
      jobId: 'job2',
      jobExecutionSummary: { status: 'IN_PROGRESS', queuedAt: NOW_MS / 1000, startedAt: NOW_MS / 1000, lastUpdatedAt: NOW_MS / 1000, executionNumber: 1, retryAttempt: 0 },
    });
    expect(sim.listJobExecutionsForThing({ thingName: 't1', status: 'IN_PROGRESS' }).executionSummaries.map((s) => s.jobId)).toEqual(['job2']);
    const page1 = sim.listJobExecutionsForThing({ thingName: 't1', maxResults: 2 });
    expect(page1.executionSummaries).toHaveLength(2);
    expect(sim.listJobExecutionsForThing({ thingName: 't1', maxResults: 2, nextToken: page1.nextToken! }).executionSummaries.map((s) => s.jobId)).toEqual(['job3']);
    expect(sim.listJobExecutionsForThing({ thingName: 'unknown' })).toEqual({ executionSummaries: [] });
    const forJob = sim.listJobExecutionsForJob({ jobId: 'job1' });
    expect(forJob.executionSummaries.map((summary) => summary.thingArn)).toEqual([`${ARN}:thing/t1`, `${ARN}:thing/t2`]);
    expect(forJob.executionSummaries[0]!.jobExecutionSummary).toMatchObject({ status: 'QUEUED', retryAttempt: 0 });
    expect(refusal(() => sim.listJobExecutionsForThing({ thingName: 't1', status: 'DONE' as never })).code).toBe('InvalidRequestException');
  });

  test('cancelJobExecution: QUEUED is canceled; IN_PROGRESS needs force; terminal and version conflicts are refused', () => {
    queueJob(sim, 'job1', ['t1', 't2', 't3']);
    sim.cancelJobExecution({ jobId: 'job1', thingName: 't1', statusDetails: { reason: 'operator' } });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution).toMatchObject({
      status: 'CANCELED',
      statusDetails: { detailsMap: { reason: 'operator' } },
      versionNumber: 1,
    });
    expect(refusal(() => sim.cancelJobExecution({ jobId: 'job1', thingName: 't1' }))).toMatchObject({ code: 'InvalidStateTransitionException', httpStatus: 409 });
    sim.startNextPendingJobExecution('t2');
    expect(refusal(() => sim.cancelJobExecution({ jobId: 'job1', thingName: 't2' })).code).toBe('InvalidStateTransitionException');
    expect(refusal(() => sim.cancelJobExecution({ jobId: 'job1', thingName: 't2', force: true, expectedVersion: 1 }))).toMatchObject({
      code: 'VersionConflictException',
      httpStatus: 409,
    });
    sim.cancelJobExecution({ jobId: 'job1', thingName: 't2', force: true, expectedVersion: 2 });
    expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't2' }).execution).toMatchObject({ status: 'CANCELED', forceCanceled: true });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect(refusal(() => sim.cancelJobExecution({ jobId: 'job1', thingName: 't3', statusDetails: eleven })).code).toBe('InvalidRequestException');
    sim.cancelJobExecution({ jobId: 'job1', thingName: 't3' });
    expect(sim.describeJob({ jobId: 'job1' }).job).toMatchObject({ status: 'COMPLETED', jobProcessDetails: { numberOfCanceledThings: 3 } });
  });
});

/**
 * Every CreateJob / UpdateJob member of docs/protocol.md §11 is either modeled (checked
 * and echoed by DescribeJob) or refused with InvalidRequestException naming
 * it — never accepted and ignored.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { DOC, ManualClock, refusal } from './helpers.js';

let clock: ManualClock;
let sim: JobsSimulator;

beforeEach(() => {
  clock = new ManualClock();
  sim = new JobsSimulator({ clock });
  for (const thingName of ['t1', 't2']) sim.createThing({ thingName });
});
afterEach(async () => {
  await sim.close();
});


const base = { jobId: 'j', targets: ['t1'], document: JSON.stringify(DOC) };

describe('members the simulator does not model are refused, naming the member', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['namespaceId', { namespaceId: 'greengrass' }],
    ['AWS managed templates', { jobTemplateArn: 'arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0' }],
    ['documentParameters', { documentParameters: { a: 'b' } }],
    ['destinationPackageVersions', { destinationPackageVersions: ['arn:aws:iot:us-east-1:123456789012:package/p/version/1'] }],
    ['maintenanceWindows', { schedulingConfig: { startTime: '2024-07-03T00:00', maintenanceWindows: [{ startTime: 'cron(0 0 * * ? *)', durationInMinutes: 60 }] } }],
  ];
  test.each(cases)('CreateJob with %s', (member, extra) => {
    const error = refusal(() => sim.createJob({ ...base, ...extra }));
    expect(error).toMatchObject({ code: 'InvalidRequestException', httpStatus: 400 });
    expect(error.message).toContain(member);
    expect(error.message).toMatch(/not (supported|modeled)/);
    expect(sim.listJobs().jobs).toEqual([]);
    expect(sim.getPendingJobExecutions('t1')).toEqual({ ok: true, reply: { inProgressJobs: [], queuedJobs: [] } });
  });

  test('UpdateJob with namespaceId; ListJobs by namespace; DeleteJob in a namespace', () => {
    sim.createJob(base);
    const error = refusal(() => sim.updateJob({ jobId: 'j', description: 'changed', namespaceId: 'ns' }));
    expect(error).toMatchObject({ code: 'InvalidRequestException' });
    expect(error.message).toContain('namespaceId');
    expect(sim.describeJob({ jobId: 'j' }).job.description).toBeUndefined();
    expect(refusal(() => sim.listJobs({ namespaceId: 'x' })).message).toContain('namespaceId');
    expect(refusal(() => sim.deleteJob({ jobId: 'j', force: true, namespaceId: 'ns' })).message).toContain('namespaceId');
    expect(sim.describeJob({ jobId: 'j' }).job.status).toBe('IN_PROGRESS');
  });

  test('a JSON null is an absent member', () => {
    sim.createJob({ ...base, namespaceId: null, jobExecutionsRolloutConfig: null, jobTemplateArn: null } as never);
    expect(sim.describeJob({ jobId: 'j' }).job.status).toBe('IN_PROGRESS');
  });
});

describe('modeled members are checked and echoed by DescribeJob', () => {
  test('presignedUrlConfig, jobExecutionsRetryConfig, abortConfig, schedulingConfig and tags', () => {
    const config = {
      presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/jobs-s3', expiresInSec: 600 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 2 }, { failureType: 'TIMED_OUT', numberOfRetries: 1 }] },
      abortConfig: { criteriaList: [{ failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 1.13, minNumberOfExecutedThings: 4 }] },
      schedulingConfig: { endTime: '2024-07-03T12:00', endBehavior: 'CANCEL' },
    } as const;
    sim.createJob({ ...base, ...config, tags: [{ Key: 'team', Value: 'fw' }] } as never);
    expect(sim.describeJob({ jobId: 'j' }).job).toMatchObject(config);
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['presignedUrlConfig.expiresInSec', { presignedUrlConfig: { expiresInSec: 59 } }],
    ['presignedUrlConfig.expiresInSec', { presignedUrlConfig: { expiresInSec: 3601 } }],
    ['presignedUrlConfig.roleArn', { presignedUrlConfig: { roleArn: 'short' } }],
    ['jobExecutionsRetryConfig.criteriaList', { jobExecutionsRetryConfig: { criteriaList: [] } }],
    ['numberOfRetries', { jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 11 }] } }],
    ['at most 10 retries', { jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 6 }, { failureType: 'TIMED_OUT', numberOfRetries: 5 }] } }],
    ['failureType', { jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'REJECTED', numberOfRetries: 1 }] } }],
    ['thresholdPercentage', { abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 10.555, minNumberOfExecutedThings: 1 }] } }],
    ['thresholdPercentage', { abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 101, minNumberOfExecutedThings: 1 }] } }],
    ['minNumberOfExecutedThings', { abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 10, minNumberOfExecutedThings: 0 }] } }],
    ['action', { abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'PAUSE', thresholdPercentage: 10, minNumberOfExecutedThings: 1 }] } }],
    ['tags[0].Key', { tags: [{ Key: '', Value: 'x' }] }],
  ];
  test.each(invalid)('a bad %s is InvalidRequestException', (member, extra) => {
    const error = refusal(() => sim.createJob({ ...base, ...extra }));
    expect(error.code).toBe('InvalidRequestException');
    expect(error.message).toContain(member);
  });
});

describe('UpdateJob', () => {
  test('replaces the given members; a new timeout applies to executions started afterwards', () => {
    sim.createJob({ ...base, targets: ['t1', 't2'], description: 'old', timeoutConfig: { inProgressTimeoutInMinutes: 10 } });
    sim.updateJobExecution('t1', 'j', { status: 'IN_PROGRESS' });
    clock.advance(1000);
    sim.updateJob({ jobId: 'j', description: 'new', timeoutConfig: { inProgressTimeoutInMinutes: 60 }, presignedUrlConfig: { expiresInSec: 120 } });
    const { job } = sim.describeJob({ jobId: 'j' });
    expect(job).toMatchObject({ description: 'new', timeoutConfig: { inProgressTimeoutInMinutes: 60 }, presignedUrlConfig: { expiresInSec: 120 } });
    expect(job.lastUpdatedAt).toBe(clock.ms / 1000);
    sim.updateJobExecution('t2', 'j', { status: 'IN_PROGRESS' });
    clock.advance(10 * 60_000);
    expect(sim.describeJobExecution({ jobId: 'j', thingName: 't1' }).execution.status).toBe('TIMED_OUT');
    expect(sim.describeJobExecution({ jobId: 'j', thingName: 't2' }).execution.status).toBe('IN_PROGRESS');
  });

  test('an unknown job is ResourceNotFoundException; bad members are InvalidRequestException and change nothing', () => {
    expect(refusal(() => sim.updateJob({ jobId: 'ghost', description: 'x' })).code).toBe('ResourceNotFoundException');
    sim.createJob({ ...base, description: 'kept' });
    expect(refusal(() => sim.updateJob({ jobId: 'j', description: 'new', abortConfig: { criteriaList: [] } })).code).toBe('InvalidRequestException');
    expect(sim.describeJob({ jobId: 'j' }).job.description).toBe('kept');
  });
});

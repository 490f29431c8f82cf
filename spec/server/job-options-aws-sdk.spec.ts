/**
 * The job options through the standalone server, driven by AWS's own
 * @aws-sdk/client-iot and @aws-sdk/client-iot-jobs-data-plane: refused
 * members, UpdateJob, scheduling, retries, abort criteria, and the deletion
 * delay (server option and `--deletion-delay-ms`).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CreateJobCommand,
  CreateJobTemplateCommand,
  CreateThingCommand,
  DeleteJobCommand,
  DeleteJobTemplateCommand,
  DescribeJobTemplateCommand,
  ListJobTemplatesCommand,
  ResourceNotFoundException,
  DescribeJobCommand,
  DescribeJobExecutionCommand as ControlDescribeJobExecutionCommand,
  InvalidRequestException,
  InvalidStateTransitionException,
  IoTClient,
  LimitExceededException,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  UpdateJobCommand,
} from '@aws-sdk/client-iot';
import { DescribeJobExecutionCommand, GetPendingJobExecutionsCommand, IoTJobsDataPlaneClient, UpdateJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { ManualClock } from '../testing/simulator/helpers.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
/** 2024-07-02T17:17:12.789Z */
const NOW_MS = 1_719_940_632_789;

let server: SimulatorServer | undefined;
let simulator: JobsSimulator | undefined;
const clients: Array<{ destroy(): void }> = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.close();
  await simulator?.close();
  server = undefined;
  simulator = undefined;
});

function sdkClients(httpUrl: string): { iot: IoTClient; jobs: IoTJobsDataPlaneClient } {
  const config = { endpoint: httpUrl, region: 'us-east-1', credentials, maxAttempts: 1 };
  const made = { iot: new IoTClient(config), jobs: new IoTJobsDataPlaneClient(config) };
  clients.push(made.iot, made.jobs);
  return made;
}

/** A server over a simulator on a manual clock, with things t1 and t2. */
async function start(): Promise<{ iot: IoTClient; jobs: IoTJobsDataPlaneClient; clock: ManualClock }> {
  const clock = new ManualClock(NOW_MS);
  simulator = new JobsSimulator({ clock });
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, simulator });
  const made = sdkClients(server.httpUrl);
  for (const thingName of ['t1', 't2']) await made.iot.send(new CreateThingCommand({ thingName }));
  return { ...made, clock };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const document = JSON.stringify({ action: 'reboot' });

describe('job options over HTTP with the AWS SDK', () => {
  test('unmodeled members are refused with InvalidRequestException naming them; nothing is created', async () => {
    const { iot } = await start();
    const cases: Array<[string, ConstructorParameters<typeof CreateJobCommand>[0]]> = [
      ['namespaceId', { jobId: 'j', targets: ['t1'], document, namespaceId: 'greengrass' }],
      ['AWS managed templates', { jobId: 'j', targets: ['t1'], document, jobTemplateArn: 'arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0' }],
      ['documentParameters', { jobId: 'j', targets: ['t1'], document, documentParameters: { a: 'b' } }],
      ['maintenanceWindows', { jobId: 'j', targets: ['t1'], document, schedulingConfig: { startTime: '2024-07-04T09:00', maintenanceWindows: [{ startTime: 'cron(0 0 * * ? *)', durationInMinutes: 60 }] } }],
    ];
    for (const [member, input] of cases) {
      const error = await rejection(iot.send(new CreateJobCommand(input)));
      expect({ member, name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ member, name: 'InvalidRequestException', status: 400 });
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect(error.message).toContain(member);
    }
    expect((await iot.send(new ListJobsCommand({}))).jobs).toEqual([]);
    const listByNamespace = await rejection(iot.send(new ListJobsCommand({ namespaceId: 'greengrass' })));
    expect(listByNamespace.message).toContain('namespaceId');
  });

  test('UpdateJob changes description and configs, DescribeJob echoes them; a namespace in UpdateJob is refused', async () => {
    const { iot } = await start();
    await iot.send(
      new CreateJobCommand({
        jobId: 'fw',
        targets: ['t1'],
        document,
        description: 'v1',
        presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/jobs-s3', expiresInSec: 900 },
        tags: [{ Key: 'team', Value: 'firmware' }],
      }),
    );
    await iot.send(
      new UpdateJobCommand({
        jobId: 'fw',
        description: 'v2',
        timeoutConfig: { inProgressTimeoutInMinutes: 30 },
        abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 50, minNumberOfExecutedThings: 10 }] },
      }),
    );
    const { job } = await iot.send(new DescribeJobCommand({ jobId: 'fw' }));
    expect(job).toMatchObject({
      description: 'v2',
      timeoutConfig: { inProgressTimeoutInMinutes: 30 },
      presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/jobs-s3', expiresInSec: 900 },
      abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 50, minNumberOfExecutedThings: 10 }] },
    });
    const refused = await rejection(iot.send(new UpdateJobCommand({ jobId: 'fw', namespaceId: 'greengrass', description: 'v3' })));
    expect(refused).toBeInstanceOf(InvalidRequestException);
    expect(refused.message).toContain('namespaceId');
  });

  test('a scheduled job is SCHEDULED and invisible to the data plane until startTime', async () => {
    const { iot, jobs, clock } = await start();
    await iot.send(
      new CreateJobCommand({ jobId: 'later', targets: ['t1'], document, schedulingConfig: { startTime: '2024-07-04T09:00', endTime: '2024-07-05T09:00', endBehavior: 'CANCEL' } }),
    );
    expect((await iot.send(new DescribeJobCommand({ jobId: 'later' }))).job).toMatchObject({
      status: 'SCHEDULED',
      schedulingConfig: { startTime: '2024-07-04T09:00', endTime: '2024-07-05T09:00', endBehavior: 'CANCEL' },
    });
    expect((await iot.send(new ListJobsCommand({ status: 'SCHEDULED' }))).jobs?.map((entry) => entry.jobId)).toEqual(['later']);
    expect(await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't1' }))).toMatchObject({ inProgressJobs: [], queuedJobs: [] });

    clock.advance(Date.UTC(2024, 6, 4, 9, 0) - NOW_MS);
    expect((await iot.send(new DescribeJobCommand({ jobId: 'later' }))).job?.status).toBe('IN_PROGRESS');
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't1' }))).queuedJobs?.map((entry) => entry.jobId)).toEqual(['later']);

    clock.advance(24 * 60 * 60_000);
    expect((await iot.send(new DescribeJobCommand({ jobId: 'later' }))).job?.status).toBe('CANCELED');
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't1' }))).queuedJobs).toEqual([]);

    const tooSoon = await rejection(iot.send(new CreateJobCommand({ jobId: 'soon', targets: ['t1'], document, schedulingConfig: { startTime: '2024-07-05T09:10' } })));
    expect(tooSoon).toBeInstanceOf(InvalidRequestException);
    expect(tooSoon.message).toContain('schedulingConfig.startTime must be at least 30 minutes');
  });

  test('a FAILED execution is retried as executionNumber 2 with retryAttempt 1; the old number still describes it', async () => {
    const { iot, jobs } = await start();
    await iot.send(new CreateJobCommand({ jobId: 'fw', targets: ['t1'], document, jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] } }));
    await jobs.send(new UpdateJobExecutionCommand({ thingName: 't1', jobId: 'fw', status: 'FAILED' }));

    const latest = await iot.send(new ControlDescribeJobExecutionCommand({ thingName: 't1', jobId: 'fw' }));
    expect(latest.execution).toMatchObject({ status: 'QUEUED', executionNumber: 2 });
    const first = await iot.send(new ControlDescribeJobExecutionCommand({ thingName: 't1', jobId: 'fw', executionNumber: 1 }));
    expect(first.execution).toMatchObject({ status: 'FAILED', executionNumber: 1 });
    const listed = await iot.send(new ListJobExecutionsForThingCommand({ thingName: 't1' }));
    expect(listed.executionSummaries?.[0]?.jobExecutionSummary).toMatchObject({ status: 'QUEUED', executionNumber: 2, retryAttempt: 1 });
    const device = await jobs.send(new DescribeJobExecutionCommand({ thingName: 't1', jobId: 'fw', executionNumber: 1 }));
    expect(device.execution).toMatchObject({ status: 'FAILED', executionNumber: 1 });
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't1' }))).queuedJobs).toEqual([expect.objectContaining({ jobId: 'fw', executionNumber: 2 })]);

    await jobs.send(new UpdateJobExecutionCommand({ thingName: 't1', jobId: 'fw', status: 'FAILED' }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'fw' }))).job).toMatchObject({ status: 'COMPLETED', jobProcessDetails: { numberOfFailedThings: 1 } });
  });

  test('abort criteria cancel the job with a reason code', async () => {
    const { iot, jobs } = await start();
    await iot.send(
      new CreateJobCommand({
        jobId: 'fw',
        targets: ['t1', 't2'],
        document,
        abortConfig: { criteriaList: [{ failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 50, minNumberOfExecutedThings: 1 }] },
      }),
    );
    await jobs.send(new UpdateJobExecutionCommand({ thingName: 't1', jobId: 'fw', status: 'REJECTED' }));
    const { job } = await iot.send(new DescribeJobCommand({ jobId: 'fw' }));
    expect(job).toMatchObject({ status: 'CANCELED', reasonCode: 'ABORT_CRITERIA_MET', jobProcessDetails: { numberOfRejectedThings: 1, numberOfCanceledThings: 1 } });
  });
});

describe('the deletion delay', () => {
  test('server option: DELETION_IN_PROGRESS, the "already being deleted" conflict and the limit of 10 concurrent deletions', async () => {
    server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, behavior: { deletionDelayMs: 60_000 } });
    const { iot } = sdkClients(server.httpUrl);
    await iot.send(new CreateThingCommand({ thingName: 't1' }));
    for (let index = 0; index < 11; index += 1) await iot.send(new CreateJobCommand({ jobId: `j${index}`, targets: ['t1'], document }));
    await iot.send(new DeleteJobCommand({ jobId: 'j0', force: true }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'j0' }))).job?.status).toBe('DELETION_IN_PROGRESS');
    const again = await rejection(iot.send(new DeleteJobCommand({ jobId: 'j0', force: true })));
    expect(again).toBeInstanceOf(InvalidStateTransitionException);
    expect(again.$metadata?.httpStatusCode).toBe(409);
    for (let index = 1; index < 10; index += 1) await iot.send(new DeleteJobCommand({ jobId: `j${index}`, force: true }));
    const eleventh = await rejection(iot.send(new DeleteJobCommand({ jobId: 'j10', force: true })));
    expect(eleventh).toBeInstanceOf(LimitExceededException);
    expect(eleventh.$metadata?.httpStatusCode).toBe(410);
    expect((await iot.send(new DescribeJobCommand({ jobId: 'j10' }))).job?.status).toBe('IN_PROGRESS');
  });

  test('the CLI flag --deletion-delay-ms reaches the simulator', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, ['lib/server/cli.ts', '--mqtt-port', '0', '--http-port', '0', '--deletion-delay-ms', '600000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const httpUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const url = /HTTP API listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (url !== undefined) resolve(url);
      });
      child.once('exit', (code) => reject(new Error(`the CLI exited with ${code} before it was ready`)));
    });
    const { iot } = sdkClients(httpUrl);
    await iot.send(new CreateThingCommand({ thingName: 't1' }));
    await iot.send(new CreateJobCommand({ jobId: 'j', targets: ['t1'], document }));
    await iot.send(new DeleteJobCommand({ jobId: 'j', force: true }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'j' }))).job?.status).toBe('DELETION_IN_PROGRESS');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('job templates over HTTP with the AWS SDK', () => {
  test('CreateJobTemplate, ListJobTemplates, DescribeJobTemplate, CreateJob from the template, DeleteJobTemplate', async () => {
    const { iot } = await start();
    const created = await iot.send(
      new CreateJobTemplateCommand({ jobTemplateId: 'reboot', description: 'reboot', document, abortConfig: { criteriaList: [{ failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 90, minNumberOfExecutedThings: 5 }] } }),
    );
    expect(created).toMatchObject({ jobTemplateId: 'reboot', jobTemplateArn: 'arn:aws:iot:us-east-1:123456789012:jobtemplate/reboot' });
    expect((await iot.send(new ListJobTemplatesCommand({}))).jobTemplates?.map((entry) => entry.jobTemplateId)).toEqual(['reboot']);
    const described = await iot.send(new DescribeJobTemplateCommand({ jobTemplateId: 'reboot' }));
    expect(described).toMatchObject({ description: 'reboot', document });
    expect(described.createdAt).toBeInstanceOf(Date);
    await iot.send(new CreateJobCommand({ jobId: 'from-template', targets: ['t1'], jobTemplateArn: created.jobTemplateArn }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'from-template' }))).job).toMatchObject({
      jobTemplateArn: created.jobTemplateArn,
      abortConfig: { criteriaList: [{ failureType: 'ALL', thresholdPercentage: 90 }] },
    });
    await iot.send(new DeleteJobTemplateCommand({ jobTemplateId: 'reboot' }));
    expect(await rejection(iot.send(new DescribeJobTemplateCommand({ jobTemplateId: 'reboot' })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('rollout rates over HTTP with the AWS SDK', () => {
  test('maximumPerMinute releases executions per simulated minute; DescribeJob shows processingTargets meanwhile', async () => {
    const { iot, jobs, clock } = await start();
    await iot.send(new CreateJobCommand({ jobId: 'slow', targets: ['t1', 't2'], document, jobExecutionsRolloutConfig: { maximumPerMinute: 1 } }));
    const during = await iot.send(new DescribeJobCommand({ jobId: 'slow' }));
    expect(during.job).toMatchObject({ isConcurrent: true, jobExecutionsRolloutConfig: { maximumPerMinute: 1 }, jobProcessDetails: { numberOfQueuedThings: 1 } });
    expect(during.job?.jobProcessDetails?.processingTargets).toHaveLength(2);
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't2' }))).queuedJobs).toEqual([]);
    clock.advance(60_000);
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 't2' }))).queuedJobs?.map((entry) => entry.jobId)).toEqual(['slow']);
    const after = await iot.send(new DescribeJobCommand({ jobId: 'slow' }));
    expect(after.job?.isConcurrent).toBe(false);
    expect(after.job?.jobProcessDetails?.processingTargets).toBeUndefined();
  });
});

/**
 * AWS's own SDK for JavaScript v3 drives the simulator server unchanged:
 * @aws-sdk/client-iot (control plane) and @aws-sdk/client-iot-jobs-data-plane,
 * with an endpoint override and dummy credentials.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  CancelJobCommand,
  CancelJobExecutionCommand,
  CreateJobCommand,
  CreateThingCommand,
  DeleteJobCommand,
  DeleteThingCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand as ControlDescribeJobExecutionCommand,
  DescribeThingCommand,
  GetJobDocumentCommand,
  InvalidStateTransitionException as ControlInvalidStateTransitionException,
  IoTClient,
  ListJobExecutionsForJobCommand,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException as ControlResourceNotFoundException,
} from '@aws-sdk/client-iot';
import {
  DescribeJobExecutionCommand,
  GetPendingJobExecutionsCommand,
  InvalidRequestException,
  InvalidStateTransitionException,
  IoTJobsDataPlaneClient,
  ResourceNotFoundException,
  StartNextPendingJobExecutionCommand,
  ThrottlingException,
  UpdateJobExecutionCommand,
} from '@aws-sdk/client-iot-jobs-data-plane';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import type { SimulatorClock } from '../../lib/testing/simulator/clock.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

interface Clients {
  iot: IoTClient;
  jobs: IoTJobsDataPlaneClient;
  /** The SigV4 signing service of every request each client sent. */
  scopes: { iot: string[]; jobs: string[] };
  /** The path of every request the data-plane client sent. */
  paths: string[];
}

/** Records the credential-scope service (and path) of each signed request. */
function captureScopes(client: { middlewareStack: MiddlewareStack }, into: string[], paths: string[] = []): void {
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    const request = (args as { request: { headers: Record<string, string>; path: string } }).request;
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
    into.push(service ?? 'unsigned');
    paths.push(request.path);
    return next(args);
  };
  // The middleware types of the two clients differ; this one reads only the signed request.
  client.middlewareStack.addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'captureScope' });
}

/** The part of a client's middleware stack used here. */
interface MiddlewareStack {
  addRelativeTo(middleware: never, options: { relation: 'after'; toMiddleware: string; name: string }): void;
}

let server: SimulatorServer | undefined;
let clients: Clients | undefined;
let simulator: JobsSimulator | undefined;
afterEach(async () => {
  clients?.iot.destroy();
  clients?.jobs.destroy();
  await server?.close();
  await simulator?.close();
  server = undefined;
  clients = undefined;
  simulator = undefined;
});

async function start(options: { simulator?: JobsSimulator } = {}): Promise<Clients> {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, ...options });
  const config = { endpoint: server.httpUrl, region: 'us-east-1', credentials, maxAttempts: 1 };
  const made: Clients = { iot: new IoTClient(config), jobs: new IoTJobsDataPlaneClient(config), scopes: { iot: [], jobs: [] }, paths: [] };
  captureScopes(made.iot, made.scopes.iot);
  captureScopes(made.jobs, made.scopes.jobs, made.paths);
  clients = made;
  return made;
}

/** Resolves with the error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the AWS SDK for JavaScript v3 against the simulator server', () => {
  test('a whole device cycle over HTTP, and the signing names each client uses', async () => {
    const { iot, jobs, scopes, paths } = await start();
    const thing = await iot.send(new CreateThingCommand({ thingName: 'sensor:7' }));
    expect(thing).toMatchObject({ thingName: 'sensor:7', thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/sensor:7', thingId: expect.any(String) });
    const described = await iot.send(new DescribeThingCommand({ thingName: 'sensor:7' }));
    expect(described).toMatchObject({ thingName: 'sensor:7', defaultClientId: 'sensor:7', version: 1 });

    const created = await iot.send(
      new CreateJobCommand({ jobId: 'fw-1', targets: [thing.thingArn!], document: JSON.stringify({ url: 'https://example.com/fw.bin' }), description: 'firmware' }),
    );
    expect(created).toMatchObject({ jobId: 'fw-1', jobArn: 'arn:aws:iot:us-east-1:123456789012:job/fw-1', description: 'firmware' });

    const pending = await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 'sensor:7' }));
    expect(pending.inProgressJobs).toEqual([]);
    expect(pending.queuedJobs).toEqual([{ jobId: 'fw-1', queuedAt: expect.any(Number), lastUpdatedAt: expect.any(Number), versionNumber: 1, executionNumber: 1 }]);
    expect(Number.isInteger(pending.queuedJobs![0]!.queuedAt)).toBe(true);

    const next = await jobs.send(new DescribeJobExecutionCommand({ thingName: 'sensor:7', jobId: '$next' }));
    // The SDK percent-encodes path labels; the server decodes them.
    expect(paths.at(-1)).toBe('/things/sensor%3A7/jobs/%24next');
    expect(next.execution).toMatchObject({ jobId: 'fw-1', thingName: 'sensor:7', status: 'QUEUED', jobDocument: '{"url":"https://example.com/fw.bin"}' });

    const started = await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: 'sensor:7', statusDetails: { phase: 'download' }, stepTimeoutInMinutes: 5 }));
    expect(paths.at(-1)).toBe('/things/sensor%3A7/jobs/$next');
    expect(started.execution).toMatchObject({ jobId: 'fw-1', status: 'IN_PROGRESS', versionNumber: 2, statusDetails: { phase: 'download' } });
    expect(started.execution!.approximateSecondsBeforeTimedOut).toBeGreaterThan(0);
    expect(typeof started.execution!.jobDocument).toBe('string');

    const progress = await jobs.send(
      new UpdateJobExecutionCommand({ thingName: 'sensor:7', jobId: 'fw-1', status: 'IN_PROGRESS', expectedVersion: 2, statusDetails: { phase: 'flash' }, includeJobExecutionState: true }),
    );
    expect(progress.executionState).toEqual({ status: 'IN_PROGRESS', statusDetails: { phase: 'flash' }, versionNumber: 3 });
    expect(progress.jobDocument).toBeUndefined();

    const control = await iot.send(new ControlDescribeJobExecutionCommand({ thingName: 'sensor:7', jobId: 'fw-1' }));
    expect(control.execution).toMatchObject({ jobId: 'fw-1', status: 'IN_PROGRESS', statusDetails: { detailsMap: { phase: 'flash' } }, thingArn: thing.thingArn, versionNumber: 3 });
    expect(control.execution!.queuedAt).toBeInstanceOf(Date);
    expect(control.execution).not.toHaveProperty('jobDocument');

    const done = await jobs.send(new UpdateJobExecutionCommand({ thingName: 'sensor:7', jobId: 'fw-1', status: 'SUCCEEDED', includeJobDocument: true }));
    expect(done.jobDocument).toBe('{"url":"https://example.com/fw.bin"}');

    const job = await iot.send(new DescribeJobCommand({ jobId: 'fw-1' }));
    expect(job.job).toMatchObject({ status: 'COMPLETED', jobProcessDetails: expect.objectContaining({ numberOfSucceededThings: 1, numberOfQueuedThings: 0, numberOfInProgressThings: 0 }) });
    expect(job.job!.completedAt).toBeInstanceOf(Date);
    expect((await iot.send(new GetJobDocumentCommand({ jobId: 'fw-1' }))).document).toBe('{"url":"https://example.com/fw.bin"}');

    // The SDK for JavaScript v3 signs the control plane as `iot` (botocore signs it as `execute-api`).
    expect(new Set(scopes.iot)).toEqual(new Set(['iot']));
    expect(new Set(scopes.jobs)).toEqual(new Set(['iot-jobs-data']));
  });

  test('data-plane errors arrive as the SDK exception classes, with their HTTP codes', async () => {
    const { iot, jobs } = await start();
    await iot.send(new CreateThingCommand({ thingName: 'dev1' }));
    await iot.send(new CreateJobCommand({ jobId: 'j1', targets: ['arn:aws:iot:us-east-1:123456789012:thing/dev1'], document: '{}' }));

    const notFound = await rejection(jobs.send(new DescribeJobExecutionCommand({ thingName: 'dev1', jobId: 'nope' })));
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect(notFound.$metadata?.httpStatusCode).toBe(404);

    const mismatch = await rejection(jobs.send(new UpdateJobExecutionCommand({ thingName: 'dev1', jobId: 'j1', status: 'IN_PROGRESS', expectedVersion: 5 })));
    expect(mismatch).toBeInstanceOf(InvalidRequestException);
    expect(mismatch.message).toMatch(/version/i);

    await jobs.send(new UpdateJobExecutionCommand({ thingName: 'dev1', jobId: 'j1', status: 'REJECTED' }));
    const terminal = await rejection(jobs.send(new UpdateJobExecutionCommand({ thingName: 'dev1', jobId: 'j1', status: 'SUCCEEDED' })));
    expect(terminal).toBeInstanceOf(InvalidStateTransitionException);
    expect(terminal.$metadata?.httpStatusCode).toBe(409);

    server!.simulator.faults.rejectNext({ operation: 'getPending' }, 1, 'RequestThrottled');
    const throttled = await rejection(jobs.send(new GetPendingJobExecutionsCommand({ thingName: 'dev1' })));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata?.httpStatusCode).toBe(429);
  });

  test('control plane: ListJobs paging and status filter, executions lists, CancelJobExecution, CancelJob with force, errors', async () => {
    const { iot, jobs } = await start();
    for (const thingName of ['a', 'b']) await iot.send(new CreateThingCommand({ thingName }));
    for (const jobId of ['j1', 'j2', 'j3']) await iot.send(new CreateJobCommand({ jobId, targets: ['a', 'b'], document: `{"n":"${jobId}"}` }));

    const first = await iot.send(new ListJobsCommand({ maxResults: 2 }));
    expect(first.jobs!.map((job) => job.jobId)).toEqual(['j1', 'j2']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await iot.send(new ListJobsCommand({ maxResults: 2, nextToken: first.nextToken! }));
    expect(second.jobs!.map((job) => job.jobId)).toEqual(['j3']);
    expect(second.nextToken).toBeUndefined();
    expect(second.jobs![0]).toMatchObject({ status: 'IN_PROGRESS', targetSelection: 'SNAPSHOT', createdAt: expect.any(Date) });

    // One execution of j2 starts; CancelJobExecution without force refuses it, with force cancels it.
    await jobs.send(new UpdateJobExecutionCommand({ thingName: 'a', jobId: 'j2', status: 'IN_PROGRESS' }));
    const refused = await rejection(iot.send(new CancelJobExecutionCommand({ thingName: 'a', jobId: 'j2' })));
    expect(refused).toBeInstanceOf(ControlInvalidStateTransitionException);
    await iot.send(new CancelJobExecutionCommand({ thingName: 'a', jobId: 'j2', force: true, statusDetails: { why: 'operator' } }));
    const canceledExecution = await iot.send(new ControlDescribeJobExecutionCommand({ thingName: 'a', jobId: 'j2' }));
    expect(canceledExecution.execution).toMatchObject({ status: 'CANCELED', forceCanceled: true, statusDetails: { detailsMap: { why: 'operator' } } });

    // j3 runs on b, then CancelJob with force cancels it and the queued one.
    await jobs.send(new UpdateJobExecutionCommand({ thingName: 'b', jobId: 'j3', status: 'IN_PROGRESS' }));
    const canceled = await iot.send(new CancelJobCommand({ jobId: 'j3', force: true, reasonCode: 'BAD_BUILD', comment: 'recalled' }));
    expect(canceled).toMatchObject({ jobId: 'j3', jobArn: 'arn:aws:iot:us-east-1:123456789012:job/j3' });
    const onlyCanceled = await iot.send(new ListJobsCommand({ status: 'CANCELED' }));
    expect(onlyCanceled.jobs!.map((job) => job.jobId)).toEqual(['j3']);
    const j3 = await iot.send(new DescribeJobCommand({ jobId: 'j3' }));
    expect(j3.job).toMatchObject({ status: 'CANCELED', forceCanceled: true, reasonCode: 'BAD_BUILD', comment: 'recalled' });
    expect(j3.job!.jobProcessDetails).toMatchObject({ numberOfCanceledThings: 2 });

    const forThing = await iot.send(new ListJobExecutionsForThingCommand({ thingName: 'b' }));
    expect(forThing.executionSummaries!.map((summary) => [summary.jobId, summary.jobExecutionSummary!.status])).toEqual([
      ['j1', 'QUEUED'],
      ['j2', 'QUEUED'],
      ['j3', 'CANCELED'],
    ]);
    const queuedForThing = await iot.send(new ListJobExecutionsForThingCommand({ thingName: 'b', status: 'QUEUED', maxResults: 1 }));
    expect(queuedForThing.executionSummaries!.map((summary) => summary.jobId)).toEqual(['j1']);
    expect(queuedForThing.nextToken).toEqual(expect.any(String));
    const forJob = await iot.send(new ListJobExecutionsForJobCommand({ jobId: 'j2' }));
    expect(forJob.executionSummaries!.map((summary) => [summary.thingArn, summary.jobExecutionSummary!.status])).toEqual([
      ['arn:aws:iot:us-east-1:123456789012:thing/a', 'CANCELED'],
      ['arn:aws:iot:us-east-1:123456789012:thing/b', 'QUEUED'],
    ]);

    const exists = await rejection(iot.send(new CreateJobCommand({ jobId: 'j1', targets: ['a'], document: '{}' })));
    expect(exists).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(exists).toMatchObject({ resourceId: 'j1', resourceArn: 'arn:aws:iot:us-east-1:123456789012:job/j1' });
    const missing = await rejection(iot.send(new DescribeJobCommand({ jobId: 'nope' })));
    expect(missing).toBeInstanceOf(ControlResourceNotFoundException);
    const inProgress = await rejection(iot.send(new DeleteJobCommand({ jobId: 'j1' })));
    expect(inProgress).toBeInstanceOf(ControlInvalidStateTransitionException);

    await iot.send(new DeleteThingCommand({ thingName: 'a' }));
    await rejection(iot.send(new DescribeThingCommand({ thingName: 'a' }))).then((error) => expect(error).toBeInstanceOf(ControlResourceNotFoundException));
  });

  test('DeleteJob with force passes through DELETION_IN_PROGRESS, then the job is gone', async () => {
    const timers = new Map<number, () => void>();
    let nextHandle = 0;
    const clock: SimulatorClock = {
      now: () => Date.now(),
      setTimeout: (fn) => {
        nextHandle += 1;
        timers.set(nextHandle, fn);
        return nextHandle;
      },
      clearTimeout: (handle) => void timers.delete(handle as number),
    };
    simulator = new JobsSimulator({ clock });
    const { iot, jobs } = await start({ simulator });
    await iot.send(new CreateThingCommand({ thingName: 'dev1' }));
    await iot.send(new CreateJobCommand({ jobId: 'j1', targets: ['dev1'], document: '{}' }));
    await jobs.send(new StartNextPendingJobExecutionCommand({ thingName: 'dev1' }));

    await iot.send(new DeleteJobCommand({ jobId: 'j1', force: true }));
    expect((await iot.send(new DescribeJobCommand({ jobId: 'j1' }))).job!.status).toBe('DELETION_IN_PROGRESS');
    expect((await iot.send(new ListJobsCommand({ status: 'DELETION_IN_PROGRESS' }))).jobs!.map((job) => job.jobId)).toEqual(['j1']);
    expect((await jobs.send(new GetPendingJobExecutionsCommand({ thingName: 'dev1' }))).inProgressJobs).toEqual([]);
    const again = await rejection(iot.send(new DeleteJobCommand({ jobId: 'j1', force: true })));
    expect(again).toBeInstanceOf(ControlInvalidStateTransitionException);

    for (const [handle, fire] of [...timers]) {
      timers.delete(handle);
      fire();
    }
    const gone = await rejection(iot.send(new DescribeJobCommand({ jobId: 'j1' })));
    expect(gone).toBeInstanceOf(ControlResourceNotFoundException);
  });
});

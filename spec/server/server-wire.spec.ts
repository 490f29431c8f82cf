import { afterEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { call, signedFor, type HttpCall } from './http-helper.js';

const DATA = signedFor('iot-jobs-data');
const CONTROL = signedFor('execute-api');

let server: SimulatorServer | undefined;
let ownSimulator: JobsSimulator | undefined;
afterEach(async () => {
  await server?.close();
  await ownSimulator?.close();
  server = undefined;
  ownSimulator = undefined;
});

async function start(simulator?: JobsSimulator): Promise<(options: HttpCall) => ReturnType<typeof call>> {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, ...(simulator ? { simulator } : {}) });
  const port = server.httpPort;
  return (options) => call(port, options);
}

/** A thing and a job targeting it, made through the control plane over HTTP. */
async function thingWithJob(http: (options: HttpCall) => ReturnType<typeof call>, thingName: string, jobId: string): Promise<void> {
  expect((await http({ method: 'POST', path: `/things/${encodeURIComponent(thingName)}`, headers: CONTROL, body: '{}' })).status).toBe(200);
  const created = await http({
    method: 'PUT',
    path: `/jobs/${jobId}`,
    headers: CONTROL,
    body: JSON.stringify({ targets: [thingName], document: '{"op":"reboot","delay":5}' }),
  });
  expect(created.status).toBe(200);
}

describe('data plane over HTTP: exact shapes (docs/protocol.md §10)', () => {
  test('GetPending, StartNext ($next literal), Describe (%24next), Update: documents as strings, integer times, no timestamp or clientToken', async () => {
    const http = await start();
    await thingWithJob(http, 'dev:1', 'job-1');

    const pending = await http({ path: '/things/dev%3A1/jobs', headers: DATA });
    expect(pending.status).toBe(200);
    expect(pending.json).toEqual({
      inProgressJobs: [],
      queuedJobs: [{ jobId: 'job-1', queuedAt: expect.any(Number), lastUpdatedAt: expect.any(Number), versionNumber: 1, executionNumber: 1 }],
    });

    const started = await http({ method: 'PUT', path: '/things/dev%3A1/jobs/$next', headers: DATA, body: '{"statusDetails":{"step":"download"}}' });
    expect(started.status).toBe(200);
    const execution = (started.json as { execution: Record<string, unknown> }).execution;
    expect(execution).toEqual({
      jobId: 'job-1',
      thingName: 'dev:1',
      status: 'IN_PROGRESS',
      statusDetails: { step: 'download' },
      queuedAt: expect.any(Number),
      startedAt: expect.any(Number),
      lastUpdatedAt: expect.any(Number),
      versionNumber: 2,
      executionNumber: 1,
      jobDocument: '{"op":"reboot","delay":5}',
    });
    for (const key of ['queuedAt', 'startedAt', 'lastUpdatedAt']) expect(Number.isInteger(execution[key])).toBe(true);
    expect(started.json).not.toHaveProperty('timestamp');

    const described = await http({ path: '/things/dev%3A1/jobs/%24next', headers: DATA });
    expect((described.json as { execution: unknown }).execution).toEqual(execution);
    const noDocument = await http({ path: '/things/dev%3A1/jobs/job-1?includeJobDocument=false&executionNumber=1', headers: DATA });
    expect((noDocument.json as { execution: object }).execution).not.toHaveProperty('jobDocument');

    const updated = await http({
      method: 'POST',
      path: '/things/dev%3A1/jobs/job-1',
      headers: DATA,
      body: JSON.stringify({ status: 'SUCCEEDED', expectedVersion: 2, includeJobExecutionState: true, includeJobDocument: true, clientToken: 'ignored' }),
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({ executionState: { status: 'SUCCEEDED', statusDetails: { step: 'download' }, versionNumber: 3 }, jobDocument: '{"op":"reboot","delay":5}' });

    const plain = await http({ method: 'POST', path: '/things/dev%3A1/jobs/job-1', headers: DATA, body: '{"status":"FAILED"}' });
    expect(plain.status).toBe(409);

    const none = await http({ path: '/things/dev%3A1/jobs/$next', headers: DATA });
    expect(none.json).toEqual({});
    const nothingToStart = await http({ method: 'PUT', path: '/things/dev%3A1/jobs/%24next', headers: DATA });
    expect(nothingToStart.json).toEqual({});
  });

  test('device rejections become the modeled exceptions', async () => {
    const http = await start();
    await thingWithJob(http, 'dev1', 'job-1');
    const expectError = async (options: HttpCall, status: number, type: string, message?: RegExp): Promise<void> => {
      const answer = await http({ headers: DATA, ...options });
      expect({ status: answer.status, type: answer.headers['x-amzn-errortype'] }).toEqual({ status, type });
      expect(answer.json).toEqual({ message: expect.stringMatching(message ?? /./) });
    };
    await expectError({ path: '/things/dev1/jobs/nope' }, 404, 'ResourceNotFoundException');
    await expectError({ method: 'POST', path: '/things/dev1/jobs/job-1', body: '{"status":"IN_PROGRESS","expectedVersion":7}' }, 400, 'InvalidRequestException', /version/i);
    await expectError({ method: 'POST', path: '/things/dev1/jobs/job-1', body: '{}' }, 400, 'InvalidRequestException');
    await expectError({ method: 'POST', path: '/things/dev1/jobs/job-1', body: '{"status":"QUEUED"}' }, 400, 'InvalidRequestException');
    await expectError({ method: 'POST', path: '/things/dev1/jobs/$next', body: '{"status":"SUCCEEDED"}' }, 400, 'InvalidRequestException');
    await expectError({ path: '/things/dev1/jobs/job-1?includeJobDocument=yes' }, 400, 'InvalidRequestException', /includeJobDocument/);
    await expectError({ path: '/things/bad%20name/jobs' }, 400, 'InvalidRequestException');
    server!.simulator.faults.rejectNext({ thingName: 'dev1', operation: 'getPending' }, 1, 'RequestThrottled');
    await expectError({ path: '/things/dev1/jobs' }, 429, 'ThrottlingException');
    server!.simulator.faults.rejectNext({ thingName: 'dev1', operation: 'startNext' }, 1, 'InternalError');
    await expectError({ method: 'PUT', path: '/things/dev1/jobs/$next' }, 503, 'ServiceUnavailableException');
    await http({ method: 'POST', path: '/things/dev1/jobs/job-1', headers: DATA, body: '{"status":"SUCCEEDED"}' });
    await expectError({ method: 'POST', path: '/things/dev1/jobs/job-1', body: '{"status":"IN_PROGRESS"}' }, 409, 'InvalidStateTransitionException');
  });

  test('behavior switches: VersionMismatch as 409, TerminalStateException 410', async () => {
    ownSimulator = new JobsSimulator({ behavior: { httpVersionMismatch: 'InvalidStateTransitionException', describeTerminal: 'TerminalStateReached' } });
    const http = await start(ownSimulator);
    await thingWithJob(http, 'dev1', 'job-1');
    const mismatch = await http({ method: 'POST', path: '/things/dev1/jobs/job-1', headers: DATA, body: '{"status":"IN_PROGRESS","expectedVersion":9}' });
    expect({ status: mismatch.status, type: mismatch.headers['x-amzn-errortype'] }).toEqual({ status: 409, type: 'InvalidStateTransitionException' });
    await http({ method: 'POST', path: '/things/dev1/jobs/job-1', headers: DATA, body: '{"status":"REJECTED"}' });
    const terminal = await http({ path: '/things/dev1/jobs/job-1', headers: DATA });
    expect({ status: terminal.status, type: terminal.headers['x-amzn-errortype'] }).toEqual({ status: 410, type: 'TerminalStateException' });
  });
});

describe('control plane over HTTP (docs/protocol.md §11)', () => {
  test('the shared paths answer per plane; unsigned requests get the data plane', async () => {
    const http = await start();
    await thingWithJob(http, 'dev1', 'job-1');
    const list = await http({ path: '/things/dev1/jobs', headers: CONTROL });
    expect(list.json).toEqual({
      executionSummaries: [
        { jobId: 'job-1', jobExecutionSummary: { status: 'QUEUED', queuedAt: expect.any(Number), lastUpdatedAt: expect.any(Number), executionNumber: 1, retryAttempt: 0 } },
      ],
    });
    const viaIotScope = await http({ path: '/things/dev1/jobs', headers: signedFor('iot') });
    expect(viaIotScope.json).toEqual(list.json);
    const unsigned = await http({ path: '/things/dev1/jobs' });
    expect(unsigned.json).toEqual({ inProgressJobs: [], queuedJobs: [expect.objectContaining({ jobId: 'job-1' })] });

    await http({ method: 'POST', path: '/things/dev1/jobs/job-1', body: '{"status":"IN_PROGRESS","statusDetails":{"pct":"10"}}' });
    const described = await http({ path: '/things/dev1/jobs/job-1', headers: CONTROL });
    expect(described.json).toEqual({
      execution: {
        jobId: 'job-1',
        status: 'IN_PROGRESS',
        statusDetails: { detailsMap: { pct: '10' } },
        thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/dev1',
        queuedAt: expect.any(Number),
        startedAt: expect.any(Number),
        lastUpdatedAt: expect.any(Number),
        executionNumber: 1,
        versionNumber: 2,
      },
    });
  });

  test('errors carry their status, x-amzn-ErrorType and members; DeleteJob answers with an empty body', async () => {
    const http = await start();
    await thingWithJob(http, 'dev1', 'job-1');
    const duplicate = await http({ method: 'PUT', path: '/jobs/job-1', headers: CONTROL, body: JSON.stringify({ targets: ['dev1'], document: '{}' }) });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers['x-amzn-errortype']).toBe('ResourceAlreadyExistsException');
    expect(duplicate.json).toEqual({ message: expect.any(String), resourceId: 'job-1', resourceArn: 'arn:aws:iot:us-east-1:123456789012:job/job-1' });

    const missing = await http({ path: '/jobs/nope', headers: CONTROL });
    expect({ status: missing.status, type: missing.headers['x-amzn-errortype'] }).toEqual({ status: 404, type: 'ResourceNotFoundException' });

    const notForced = await http({ method: 'DELETE', path: '/jobs/job-1', headers: CONTROL });
    expect({ status: notForced.status, type: notForced.headers['x-amzn-errortype'] }).toEqual({ status: 409, type: 'InvalidStateTransitionException' });
    const badForce = await http({ method: 'DELETE', path: '/jobs/job-1?force=1', headers: CONTROL });
    expect(badForce.status).toBe(400);

    const deleted = await http({ method: 'DELETE', path: '/jobs/job-1?force=true', headers: CONTROL });
    expect(deleted.status).toBe(200);
    expect(deleted.headers['content-length']).toBe('0');
    expect(deleted.text).toBe('');

    const badBody = await http({ method: 'PUT', path: '/jobs/job-2', headers: CONTROL, body: '{"targets":["dev1"],' });
    expect({ status: badBody.status, type: badBody.headers['x-amzn-errortype'] }).toEqual({ status: 400, type: 'InvalidRequestException' });
    const stillServing = await http({ path: '/jobs', headers: CONTROL });
    expect(stillServing.status).toBe(200);
  });
});

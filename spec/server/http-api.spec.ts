import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Agent } from 'node:http';
import { HttpError } from '../../lib/server/http-error.js';
import { createRequestListener, type OperationHandler } from '../../lib/server/http-api.js';
import { startHttpServer, type RunningHttpServer } from '../../lib/server/http-server.js';
import { call, signedFor } from './http-helper.js';

/** Echoes what the front parsed, or fails on demand. */
const echo: OperationHandler = (match, request) => {
  if (request.body.fail === 'http') throw new HttpError(409, 'InvalidStateTransitionException', 'not now');
  if (request.body.fail === 'bug') throw new TypeError('boom');
  if (match.route.operation === 'DeleteJob') return { status: 200, body: undefined };
  return {
    status: 200,
    body: { plane: match.route.plane, operation: match.route.operation, labels: request.labels, query: Object.fromEntries(request.query), body: request.body },
  };
};

let server: RunningHttpServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  agent?.destroy();
  agent = undefined;
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof createRequestListener>[1] = {}): Promise<number> {
  server = await startHttpServer(createRequestListener(echo, options), '127.0.0.1', 0);
  return server.port;
}

describe('HTTP front', () => {
  test('routes by the signing scope and passes decoded labels, query and body', async () => {
    const port = await start();
    const data = await call(port, { path: '/things/a%3Ab/jobs/%24next?includeJobDocument=false', headers: signedFor('iot-jobs-data') });
    expect(data.status).toBe(200);
    expect(data.headers['content-type']).toBe('application/json');
    expect(data.json).toEqual({
      plane: 'data',
      operation: 'DescribeJobExecution',
      labels: { thingName: 'a:b', jobId: '$next' },
      query: { includeJobDocument: 'false' },
      body: {},
    });
    const control = await call(port, { path: '/things/t/jobs/j1', headers: signedFor('execute-api') });
    expect(control.json).toMatchObject({ plane: 'control', operation: 'DescribeJobExecution' });
    const update = await call(port, { method: 'POST', path: '/things/t/jobs/j1', body: '{"status":"SUCCEEDED"}' });
    expect(update.json).toMatchObject({ plane: 'data', operation: 'UpdateJobExecution', body: { status: 'SUCCEEDED' } });
  });

  test('an empty result body is sent with Content-Length 0', async () => {
    const port = await start();
    const answer = await call(port, { method: 'DELETE', path: '/jobs/j1' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe('0');
    expect(answer.text).toBe('');
  });

  test('errors use the rest-json wire format, and the connection keeps serving', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const port = await start();
    const malformed = await call(port, { method: 'POST', path: '/things/t/jobs/j1', body: '{"status":', agent });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['x-amzn-errortype']).toBe('InvalidRequestException');
    expect(malformed.json).toEqual({ message: expect.stringContaining('Malformed JSON') });

    const notObject = await call(port, { method: 'POST', path: '/things/t/jobs/j1', body: '[1]', agent });
    expect(notObject.status).toBe(400);

    const unknown = await call(port, { path: '/nowhere', agent });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(unknown.json).toEqual({ message: 'No operation for GET /nowhere' });

    const modeled = await call(port, { method: 'POST', path: '/things/t/jobs/j1', body: '{"fail":"http"}', agent });
    expect(modeled.status).toBe(409);
    expect(modeled.headers['x-amzn-errortype']).toBe('InvalidStateTransitionException');
    expect(modeled.json).toEqual({ message: 'not now' });

    const badEscape = await call(port, { path: '/things/%zz/jobs', agent });
    expect(badEscape.status).toBe(400);

    const fine = await call(port, { path: '/things/t/jobs', agent });
    expect(fine.status).toBe(200);
    // All of it went over one keep-alive socket.
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
  });

  test('a signature for the wrong plane gets a 404 that names the right one', async () => {
    const port = await start();
    const answer = await call(port, { method: 'PUT', path: '/jobs/j1', body: '{}', headers: signedFor('iot-jobs-data') });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ message: expect.stringContaining('control-plane') });
    const foreign = await call(port, { path: '/jobs', headers: signedFor('s3') });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
  });

  test('a bug in an operation is a 500 InternalFailureException and is reported', async () => {
    const onInternalError = jest.fn();
    const port = await start({ onInternalError });
    const answer = await call(port, { method: 'POST', path: '/things/t/jobs/j1', body: '{"fail":"bug"}' });
    expect(answer.status).toBe(500);
    expect(answer.headers['x-amzn-errortype']).toBe('InternalFailureException');
    expect(onInternalError).toHaveBeenCalledWith(expect.any(TypeError), expect.anything());
    expect((await call(port, { path: '/things/t/jobs' })).status).toBe(200);
  });

  test('a body over the limit is a 413 and the connection is closed', async () => {
    const port = await start({ maxBodyBytes: 64 });
    const declared = await call(port, { method: 'PUT', path: '/jobs/j1', body: JSON.stringify({ document: 'x'.repeat(100) }) });
    expect(declared.status).toBe(413);
    expect(declared.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
    expect(declared.headers.connection).toBe('close');
    const chunked = await call(port, {
      method: 'PUT',
      path: '/jobs/j1',
      headers: { 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ document: 'y'.repeat(100) }),
    });
    expect(chunked.status).toBe(413);
    const small = await call(port, { method: 'PUT', path: '/jobs/j1', body: '{"a":1}' });
    expect(small.status).toBe(200);
  });

  test('serves several keep-alive clients at once and closes their idle connections on shutdown', async () => {
    const port = await start();
    const agents = [new Agent({ keepAlive: true }), new Agent({ keepAlive: true }), new Agent({ keepAlive: true })];
    try {
      const answers = await Promise.all(
        agents.flatMap((client, index) => [0, 1, 2].map((n) => call(port, { path: `/things/t${index}/jobs/j${n}`, agent: client }))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(9).fill(200));
      const closed = Promise.all(
        agents.flatMap((client) => Object.values(client.freeSockets).flat().map((socket) => new Promise((resolve) => socket!.once('close', resolve)))),
      );
      await server!.close();
      await closed;
      await server!.close();
    } finally {
      for (const client of agents) client.destroy();
    }
  });
});

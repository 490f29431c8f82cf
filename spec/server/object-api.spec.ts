/** The HTTP port's object side refuses malformed or unsupported requests with S3's errors and keeps serving. */
import { afterEach, expect, test } from '@jest/globals';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { call, signedFor } from './http-helper.js';

const S3 = signedFor('s3');
let server: SimulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('bad presigned URLs, bad buckets, aws-chunked uploads and unsupported methods get S3 errors; the server keeps serving', async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  const port = server.httpPort;
  const cases: Array<[Parameters<typeof call>[1], number, string]> = [
    [{ path: '/presigned-objects/b/k?X-Sim-Expires=abc&X-Sim-Signature=zz' }, 403, 'AccessDenied'],
    [{ path: '/presigned-objects/b/k' }, 403, 'AccessDenied'],
    [{ method: 'PUT', path: '/Bad_Bucket/key', headers: S3, body: 'x' }, 400, 'InvalidArgument'],
    [{ method: 'PUT', path: '/bucket/key', headers: { ...S3, 'content-encoding': 'aws-chunked' }, body: '1;chunk-signature=0\r\nx\r\n0\r\n' }, 501, 'NotImplemented'],
    [{ method: 'POST', path: '/bucket/key', headers: S3, body: '{}' }, 501, 'NotImplemented'],
    [{ method: 'DELETE', path: '/bucket', headers: S3 }, 501, 'NotImplemented'],
    [{ method: 'GET', path: '/bucket/missing', headers: S3 }, 404, 'NoSuchKey'],
    [{ method: 'GET', path: '/bucket/%E0%A4%A', headers: S3 }, 400, 'InvalidURI'],
  ];
  for (const [request, status, code] of cases) {
    const answer = await call(port, request);
    expect({ path: request.path, status: answer.status, code: /<Code>(\w+)<\/Code>/.exec(answer.text)?.[1] }).toEqual({ path: request.path, status, code });
  }
  expect((await call(port, { method: 'PUT', path: '/bucket/key', headers: S3, body: 'hello' })).status).toBe(200);
  const got = await call(port, { path: '/bucket/key', headers: S3 });
  expect([got.status, got.text, got.headers.etag]).toEqual([200, 'hello', '"5d41402abc4b2a76b9719d911017c592"']);
  expect((await call(port, { path: '/things/dev1/jobs' })).json).toEqual({ inProgressJobs: [], queuedJobs: [] });
});

test('objects get the same Host and Origin checks as the Jobs APIs (a DNS-rebinding page cannot read or write them)', async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, autoCreateThings: true });
  const port = server.httpPort;
  const foreign = { host: `attacker.example:${port}` };
  expect((await call(port, { method: 'PUT', path: '/bucket/key', headers: { ...S3, ...foreign }, body: 'x' })).status).toBe(403);
  expect((await call(port, { method: 'PUT', path: '/bucket/key', headers: { ...S3, origin: 'http://evil.example' }, body: 'x' })).status).toBe(403);
  expect(server.simulator.getObject('bucket', 'key')).toBeUndefined();
  server.simulator.putObject('bucket', 'key', 'secret');
  server.simulator.createJob({ jobId: 'j', targets: ['t'], document: JSON.stringify({ url: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bucket/key}' }) });
  const reply = server.simulator.describeJobExecutionForDevice('t', 'j', {});
  const url = new URL(reply.ok ? (reply.reply.execution!.jobDocument as { url: string }).url : 'http://x/');
  const path = url.pathname + url.search;
  expect((await call(port, { path, headers: foreign })).status).toBe(403);
  const allowed = await call(port, { path });
  expect([allowed.status, allowed.text]).toEqual([200, 'secret']);
});

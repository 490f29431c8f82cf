/**
 * Garbage on every HTTP route of the standalone server (both planes): bodies
 * that are not JSON, arrays, wrong types, deeply nested, invalid UTF-8, over
 * the body limit; path labels that break the AWS rules. Expected: a 4xx
 * rest-json error with a message (never a 500, never a crash), and the
 * server keeps serving.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ROUTES } from '../../lib/server/routes.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';
import { call, signedFor } from '../server/http-helper.js';

let server: SimulatorServer;
const internalErrors: unknown[] = [];

beforeAll(async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0, onInternalError: (error) => internalErrors.push(error) });
  server.simulator.createThing({ thingName: 'dev' });
  server.simulator.createJob({ jobId: 'j1', targets: ['dev'], document: '{}' });
});

afterAll(async () => {
  await server.close();
});

const headersFor = (plane: 'data' | 'control'): Record<string, string> => ({
  ...signedFor(plane === 'data' ? 'iot-jobs-data' : 'execute-api'),
  'content-type': 'application/json',
});
const fill = (path: string, thingName: string, jobId: string): string => path.replace('{thingName}', thingName).replace('{jobId}', jobId);

const BAD_BODIES: Array<[string, string | Buffer]> = [
  ['not JSON', 'not json'],
  ['truncated', '{"status":'],
  ['an array', '[1,2]'],
  ['a number', '7'],
  ['deeply nested', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ['over the body limit', Buffer.alloc(300 * 1024, 0x20)],
];
const WRONG_TYPES = JSON.stringify({ status: 5, statusDetails: [1], expectedVersion: 'x', targets: 'dev', document: {}, stepTimeoutInMinutes: 'soon' });
const BAD_LABELS = ['%00', 'a'.repeat(300), '%E0%A4', 'a%2Fb', '%24next%2F..', 'white%20space'];

test('bodies that are not a JSON object get a 4xx rest-json error on every route that takes a body', async () => {
  for (const route of ROUTES.filter((r) => r.method === 'PUT' || r.method === 'POST')) {
    const path = fill(route.path, 'dev', route.plane === 'control' && route.operation === 'CreateJob' ? 'new-job' : 'j1');
    for (const [name, body] of BAD_BODIES) {
      const answer = await call(server.httpPort, { method: route.method, path, headers: headersFor(route.plane), body });
      expect({ route: route.operation, name, status: answer.status >= 400 && answer.status < 500 }).toEqual({ route: route.operation, name, status: true });
      expect(answer.text.length).toBeGreaterThan(0);
    }
    const wrong = await call(server.httpPort, { method: route.method, path, headers: headersFor(route.plane), body: WRONG_TYPES });
    expect({ route: route.operation, status: wrong.status < 500 }).toEqual({ route: route.operation, status: true });
  }
});

test('path labels that break the AWS rules get a 4xx on every route', async () => {
  for (const route of ROUTES) {
    for (const label of BAD_LABELS) {
      const path = fill(route.path, route.path.includes('{thingName}') ? label : 'dev', label);
      if (path === route.path) continue;
      const answer = await call(server.httpPort, { method: route.method, path, headers: headersFor(route.plane), ...(route.method !== 'GET' && route.method !== 'DELETE' && { body: '{}' }) });
      expect({ route: route.operation, label, status: answer.status >= 400 && answer.status < 500 }).toEqual({ route: route.operation, label, status: true });
    }
  }
});

test('after all that the server still serves, and nothing failed inside it', async () => {
  // CancelJob accepted the object of unknown fields (AWS ignores unknown members), so j1 is canceled.
  expect(server.simulator.describeJob({ jobId: 'j1' }).job.status).toBe('CANCELED');
  server.simulator.createJob({ jobId: 'j2', targets: ['dev'], document: '{}' });
  const answer = await call(server.httpPort, { path: '/things/dev/jobs', headers: headersFor('data') });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ queuedJobs: [{ jobId: 'j2' }] });
  expect(internalErrors).toEqual([]);
});

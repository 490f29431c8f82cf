/**
 * The README's "Job runner" section: its code is demo/runner-device.ts and
 * demo/runner-gateway.ts verbatim, and both run here.
 */
import { afterEach, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Thing } from '../../lib/thing.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';
import { startDevice } from '../../demo/runner-device.js';
import { runGateway } from '../../demo/runner-gateway.js';
import type { JobRunner } from '../../lib/runner/job-runner.js';

let env: TestEnvironment | undefined;
let directory: string | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

async function excerpt(file: string, marker: string): Promise<string> {
  const source = await readFile(new URL(`../../demo/${file}`, import.meta.url), 'utf8');
  return source.split(`// --- ${marker} start\n`)[1]!.split(`// --- ${marker} end`)[0]!.replace("'../lib/index.js'", "'aws-iot-jobs'");
}

test('README.md shows demo/runner-device.ts and demo/runner-gateway.ts verbatim', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain('## Job runner');
  for (const [file, marker] of [['runner-device.ts', 'README runner'], ['runner-gateway.ts', 'README gateway']] as const) {
    const code = await excerpt(file, marker);
    expect(code).toContain('runJobs(');
    expect(readme).toContain('```ts\n' + code + '```');
  }
});

function finishedAll(runner: JobRunner, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = (): void => {
      if (++seen === count) resolve();
    };
    runner.events.on('finished', done);
    runner.events.on('canceled', done);
  });
}

test("the README's device runs a firmware job with progress, rejects a reboot without force, and rejects an unknown operation", async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  directory = await mkdtemp(join(tmpdir(), 'aws-iot-jobs-readme-'));
  env.simulator.createJob({ jobId: 'fw-4-2', targets: ['sensor-7'], document: JSON.stringify({ operation: 'firmware', version: '4.2.0', chunks: 3 }) });
  env.simulator.createJob({ jobId: 'reboot-1', targets: ['sensor-7'], document: JSON.stringify({ operation: 'reboot' }) });
  env.simulator.createJob({ jobId: 'paint-1', targets: ['sensor-7'], document: JSON.stringify({ operation: 'paint' }) });
  const connection = await env.connect({ clientId: 'sensor-7' });
  const lines: string[] = [];
  const stop = new AbortController();
  const runner = startDevice(new Thing('sensor-7', connection), directory, stop.signal, (line) => lines.push(line));
  await finishedAll(runner, 3);
  stop.abort();
  await runner.stopped;
  const status = (jobId: string) => env!.simulator.describeJobExecution({ jobId, thingName: 'sensor-7' }).execution;
  expect(status('fw-4-2')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { installed: '4.2.0', resumed: 'false' } } });
  expect(status('reboot-1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'a reboot needs "force": true' } } });
  expect(status('paint-1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'no handler for operation "paint"' } } });
  expect(lines).toEqual(expect.arrayContaining(['fw-4-2: started', 'fw-4-2: progress {"downloaded":"1/3"}', 'fw-4-2: SUCCEEDED', 'reboot-1: REJECTED']));
});

test("the README's gateway runs 100 things' jobs through one connection on 6 subscriptions", async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
  const things = Array.from({ length: 100 }, (_, i) => `device-${i}`);
  for (const thing of things) env.simulator.createJob({ jobId: `job-${thing}`, targets: [thing], document: JSON.stringify({ operation: 'blink' }) });
  const connection = await env.connect({ clientId: 'gateway' });
  const runners = runGateway(connection, things, { blink: ({ job }) => ({ blinked: job.thingName }) });
  await Promise.all(runners.map((runner) => finishedAll(runner, 1)));
  expect(runners[0]!.jobs.client.subscriptionCount).toBe(6);
  await Promise.all(runners.map((runner) => runner.stop()));
  for (const thing of things) {
    expect(env.simulator.describeJobExecution({ jobId: `job-${thing}`, thingName: thing }).execution).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { blinked: thing } } });
  }
});

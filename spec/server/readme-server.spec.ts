/**
 * The README's server examples, run as written: the curl requests, and the
 * TLS walkthrough (openssl, the CLI with TLS and thing-policy, the device's
 * connect(), curl attaching a certificate). Substituted: the ports
 * (free ones instead of 8080 and 8883) and, in the TypeScript example, the
 * package import (the sources instead of 'aws-iot-jobs').
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulatorServer } from '../../lib/server/server.js';
import { certificateId } from '../../lib/testing/simulator/principals.js';
import { call } from './http-helper.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
let readme: string;

beforeAll(async () => {
  readme = await readFile(join(root, 'README.md'), 'utf8');
});

/** The fenced block of `language` whose text contains `marker`. */
function block(language: string, marker: string): string {
  const blocks = readme.split('```' + language + '\n').slice(1).map((rest) => rest.split('\n```')[0]!);
  const found = blocks.filter((text) => text.includes(marker));
  expect(found).toHaveLength(1);
  return found[0]!;
}

function run(file: string, args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

test("the curl examples run as written: JSON bodies say so, and the job ends SUCCEEDED", async () => {
  const server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  try {
    const script = block('sh', '# GetPendingJobExecutions').replaceAll('127.0.0.1:8080', `127.0.0.1:${server.httpPort}`);
    const result = await run('bash', ['-e', '-c', script.replaceAll('curl ', 'curl -sS --fail-with-body ')], root);
    expect(result).toMatchObject({ code: 0 });
    expect(server.simulator.describeJobExecution({ jobId: 'job2', thingName: 'dev2' }).execution.status).toBe('SUCCEEDED');
  } finally {
    await server.close();
  }
});

describe('the TLS walkthrough', () => {
  let dir: string;
  let cli: ChildProcess | undefined;
  let ports: { mqtt: string; http: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aws-iot-jobs-readme-tls-'));
  });
  afterAll(async () => {
    // SIGTERM: tsx passes it on to the node process it runs (SIGKILL would orphan that one).
    const running = cli;
    if (running !== undefined && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('openssl makes the CA, the server and the device certificates', async () => {
    const openssl = block('sh', 'openssl req -x509');
    expect(await run('bash', ['-e', '-c', openssl], dir)).toMatchObject({ code: 0 });
    // dev2.pem "made like dev1.pem", for the AttachThingPrincipal example.
    const dev2 = openssl.split('\n').filter((line) => line.includes('dev1')).map((line) => line.replaceAll('dev1', 'dev2')).join('\n');
    expect(await run('bash', ['-e', '-c', dev2], dir)).toMatchObject({ code: 0 });
  });

  test('the CLI serves MQTT over TLS with dev1 registered', async () => {
    const command = block('sh', 'npx aws-iot-jobs-sim --mqtt-port 8883').trim();
    expect(command.startsWith('npx aws-iot-jobs-sim ')).toBe(true);
    const args = command.replace('npx aws-iot-jobs-sim ', '').replace('--mqtt-port 8883', '--mqtt-port 0 --http-port 0').split(/\s+/);
    const child = spawn(tsx, [join(root, 'lib/server/cli.ts'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    cli = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    ports = await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const mqtt = /mqtts:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
        const http = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
        if (mqtt !== undefined && http !== undefined) resolve({ mqtt, http });
      });
      child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${stderr}`)));
    });
  });

  test("the device example connects with connect()'s AWS options and lists dev1's jobs", async () => {
    const example = block('ts', "mqtts://localhost:8883")
      .replace("from 'aws-iot-jobs'", `from '${pathToFileURL(join(root, 'lib/index.ts')).href}'`)
      .replace('mqtts://localhost:8883', `mqtts://localhost:${ports.mqtt}`);
    await writeFile(join(dir, 'example.mts'), example);
    const result = await run(tsx, ['example.mts'], dir);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/inProgressJobs: \[\][\s\S]*queuedJobs: \[\]/);
  });

  test('curl registers dev2 and attaches its certificate (AttachThingPrincipal)', async () => {
    const script = block('sh', 'x-amzn-principal').replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.http}`);
    const result = await run('bash', ['-e', '-c', script.replaceAll('curl ', 'curl -sS --fail-with-body ')], dir);
    expect(result).toMatchObject({ code: 0 });
    const listed = await call(Number(ports.http), { path: '/things/dev2/principals' });
    const dev2 = await readFile(join(dir, 'dev2.pem'), 'utf8');
    expect(listed.json).toEqual({ principals: [`arn:aws:iot:us-east-1:123456789012:cert/${certificateId(dev2)}`] });
  });
});

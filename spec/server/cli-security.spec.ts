/**
 * The real CLI, spawned through tsx, serving MQTT over TLS with certificate
 * identity, and logging a connection a limit closed.
 */
import { afterEach, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { ConnectionClosedError } from '../../lib/errors.js';
import { connect } from '../../lib/mqtt/connect.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const fixture = (name: string): string => `spec/fixtures/tls-things/${name}`;

let child: ChildProcess | undefined;
afterEach(async () => {
  // After a failure: SIGTERM, which tsx passes on to the node process it runs (SIGKILL would orphan it).
  const running = child;
  child = undefined;
  if (running !== undefined && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  }
});

test('--tls-* with --access-control thing-policy and --thing-cert: the attached certificate connects, others are refused, limits are logged', async () => {
  child = spawn(
    tsx,
    [
      'lib/server/cli.ts', '--mqtt-port', '0', '--http-port', '0',
      '--tls-cert', fixture('server.pem'), '--tls-key', fixture('server.key'), '--tls-ca', fixture('ca.pem'),
      '--access-control', 'thing-policy', '--thing-cert', `thing-a=${fixture('thing-a.pem')}`, '--max-payload-bytes', '1024',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const running = child;
  let stdout = '';
  let stderr = '';
  running.stdout!.setEncoding('utf8');
  running.stderr!.setEncoding('utf8');
  const exited = new Promise<number | string>((resolve) => running.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const port = await new Promise<string>((resolve, reject) => {
    running.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /MQTT broker listening on mqtts:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match !== null && stdout.includes('HTTP API listening')) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the CLI exited (${code}): ${stderr}`)));
  });
  const logged = new Promise<void>((resolve) =>
    running.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('--max-payload-bytes')) resolve();
    }),
  );

  const url = `mqtts://localhost:${port}`;
  const files = { caPath: fixture('ca.pem'), certPath: fixture('thing-a.pem'), keyPath: fixture('thing-a.key'), reconnectPeriodMs: 0 };
  const device = await connect(url, { ...files, clientId: 'thing-a' });
  const jobs = new JobsClient(device);
  await expect(jobs.getPendingJobExecutions('thing-a')).resolves.toMatchObject({ inProgressJobs: [], queuedJobs: [] });
  await expect(connect(url, { ...files, certPath: fixture('thing-b.pem'), keyPath: fixture('thing-b.key'), clientId: 'thing-b' })).rejects.toBeInstanceOf(ConnectionClosedError);

  const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
  void device.publish('$aws/things/thing-a/jobs/get', 'x'.repeat(2048)).catch(() => undefined);
  await closed;
  await logged;
  expect(stderr).toMatch(/aws-iot-jobs-sim: closed MQTT connection 127\.0\.0\.1:\d+: a packet of 2048 bytes exceeds 1024 \(--max-payload-bytes\)/);
  await jobs.close();
  await device.end(true);
  running.kill('SIGTERM');
  expect(await exited).toBe(0);
});

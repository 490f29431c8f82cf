/** The real CLI, spawned through tsx as a user would run it with `npm run sim`. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../../lib/server/cli-main.js';
import { call } from './http-helper.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

interface Cli {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal name) once the process ended. */
  exited: Promise<number | string>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function spawnCli(args: string[]): Cli {
  const child = spawn(tsx, ['lib/server/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const cli: Cli = {
    child,
    stdout: [],
    stderr: [],
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
  };
  collectLines(child.stdout, cli.stdout);
  collectLines(child.stderr, cli.stderr);
  return cli;
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    into.push(...lines);
    stream.emit('lines');
  });
}

/** Waits for the two ready lines and returns the URLs they hold; fails if the process ends first. */
function ready(cli: Cli): Promise<{ mqtt: URL; http: URL }> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const mqtt = cli.stdout.map((line) => /(mqtt:\/\/\S+)$/.exec(line)?.[1]).find(Boolean);
      const http = cli.stdout.map((line) => /(http:\/\/\S+)$/.exec(line)?.[1]).find(Boolean);
      if (mqtt !== undefined && http !== undefined) {
        cli.child.stdout!.off('lines', check);
        resolve({ mqtt: new URL(mqtt), http: new URL(http) });
      }
    };
    cli.child.stdout!.on('lines', check);
    void cli.exited.then((code) => reject(new Error(`the CLI exited (${code}) before it was ready: ${cli.stderr.join('\n')}`)));
  });
}

describe('aws-iot-jobs-sim', () => {
  test('prints its listeners, serves, refuses taken ports clearly, and stops on SIGTERM and SIGINT', async () => {
    const first = spawnCli(['--mqtt-port', '0', '--http-port', '0']);
    const second = spawnCli(['--mqtt-port', '0', '--http-port', '0']);
    const [a, b] = await Promise.all([ready(first), ready(second)]);
    expect(first.stdout.slice(0, 2)).toEqual([`MQTT broker listening on mqtt://127.0.0.1:${a.mqtt.port}`, `HTTP API listening on http://127.0.0.1:${a.http.port}`]);

    const answer = await call(Number(a.http.port), { path: '/things/dev1/jobs' });
    expect(answer.json).toEqual({ inProgressJobs: [], queuedJobs: [] });

    const takenHttp = spawnCli(['--mqtt-port', '0', '--http-port', a.http.port]);
    const takenMqtt = spawnCli(['--mqtt-port', a.mqtt.port, '--http-port', '0']);
    expect(await takenHttp.exited).toBe(1);
    expect(await takenMqtt.exited).toBe(1);
    expect(takenHttp.stderr.join('\n')).toContain(`HTTP port ${a.http.port} on 127.0.0.1 is already in use; choose another with --http-port (0 picks a free port)`);
    expect(takenMqtt.stderr.join('\n')).toContain(`MQTT port ${a.mqtt.port} on 127.0.0.1 is already in use; choose another with --mqtt-port`);

    first.child.kill('SIGTERM');
    second.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(first.stdout).toContain('aws-iot-jobs-sim: SIGTERM received, shutting down');
    expect(first.stdout).toContain('aws-iot-jobs-sim: stopped');
    expect(second.stdout).toContain('aws-iot-jobs-sim: SIGINT received, shutting down');
    // The ports are free again.
    await expect(call(Number(b.http.port), { path: '/jobs' })).rejects.toThrow(/ECONNREFUSED/);
  });

  test('started by npm (npx, npm run), it stops when npm and its shell go away, instead of holding its ports', async () => {
    // npm runs a bin as `sh -c CMD`; a SIGTERM to npm ended that shell and left node orphaned on its ports.
    // `; exit` keeps the shell as the parent; the CLI runs in one process (tsx as a loader).
    const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
    const shell = spawn('sh', ['-c', `"${process.execPath}" --import tsx lib/server/cli.ts --mqtt-port 0 --http-port 0; exit`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, npm_command: 'exec' },
    });
    children.push(shell);
    const cli: Cli = { child: shell, stdout: [], stderr: [], exited: new Promise((resolve) => shell.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))) };
    collectLines(shell.stdout, cli.stdout);
    collectLines(shell.stderr, cli.stderr);
    const { http } = await ready(cli);
    // Every writer of the pipe (the shell and the CLI under it) has ended once stdout closes.
    const pipeClosed = new Promise<void>((resolve) => shell.stdout.once('close', () => resolve()));
    shell.kill('SIGKILL');
    await pipeClosed;
    expect(cli.stdout).toContain('aws-iot-jobs-sim: the process that started it exited, shutting down');
    expect(cli.stdout).toContain('aws-iot-jobs-sim: stopped');
    await expect(call(Number(http.port), { path: '/jobs' })).rejects.toThrow(/ECONNREFUSED/);
  });

  test('--help, --version and bad options (in process)', async () => {
    const lines: { out: string[]; err: string[] } = { out: [], err: [] };
    const io: CliIo = { out: (line) => lines.out.push(line), err: (line) => lines.err.push(line) };
    expect(await runCli(['--help'], io)).toBe(0);
    expect(lines.out.join('\n')).toMatch(/^Usage: aws-iot-jobs-sim \[options\]/);
    expect(await runCli(['--version'], io)).toBe(0);
    expect(lines.out.at(-1)).toMatch(/^\d+\.\d+\.\d+/);
    expect(await runCli(['--http-port', 'x'], io)).toBe(2);
    expect(lines.err).toEqual(['aws-iot-jobs-sim: --http-port must be a port number from 0 to 65535, not "x"', 'Run aws-iot-jobs-sim --help for the options.']);
  });
});

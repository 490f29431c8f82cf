/**
 * A mosquitto process for the benchmarks, on a free loopback port, from a
 * config written to a temporary directory, ended by its own PID.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs mosquitto. */
export const MOSQUITTO_BINARY = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'].find((path) => existsSync(path));

/** A running mosquitto. */
export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts mosquitto; `noDelay` writes `set_tcp_nodelay true` (the README's setting). */
export async function startMosquitto(options: { noDelay: boolean; maxQueued?: number }): Promise<Mosquitto> {
  if (MOSQUITTO_BINARY === undefined) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr'];
  if (options.noDelay) lines.push('set_tcp_nodelay true');
  if (options.maxQueued !== undefined) lines.push(`max_queued_messages ${options.maxQueued}`);
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(MOSQUITTO_BINARY, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/mosquitto version \S+ running/.test(output)) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)}:\n${output}`)));
  });
  child.stderr?.resume();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

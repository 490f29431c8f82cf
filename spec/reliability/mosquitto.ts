/**
 * Mosquitto for the integration suites. `.ci/run` starts one and exports
 * `MOSQUITTO_URL` and `REQUIRE_MOSQUITTO=1`; without the URL, a suite spawns
 * its own mosquitto when the binary is installed. With neither, the suites
 * skip with a message, except under `REQUIRE_MOSQUITTO=1`, where they fail.
 * @packageDocumentation
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where mosquitto is, if installed (Debian puts it in /usr/sbin, often not on a user's PATH). */
export function findMosquitto(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.filter((dir) => dir !== '').map((dir) => join(dir, 'mosquitto')).find((path) => existsSync(path));
}

/** True when CI demands the mosquitto suites (they fail instead of skipping). */
export const MOSQUITTO_REQUIRED = process.env.REQUIRE_MOSQUITTO === '1';

/** How a suite reaches mosquitto: a URL from the environment, a binary to spawn, or nothing. */
export type MosquittoSource = { kind: 'url'; url: string } | { kind: 'binary'; path: string } | { kind: 'none' };

/** Decides once, at load time, so suites can choose between describe and describe.skip. */
export function mosquittoSource(): MosquittoSource {
  const url = process.env.MOSQUITTO_URL;
  if (url !== undefined && url !== '') return { kind: 'url', url };
  const path = findMosquitto();
  return path === undefined ? { kind: 'none' } : { kind: 'binary', path };
}

/** The message a skipped suite prints. */
export const HOW_TO_RUN =
  'mosquitto suites skipped: mosquitto is not installed. Install it (Debian: apt-get install mosquitto) ' +
  'or set MOSQUITTO_URL=mqtt://127.0.0.1:PORT to a running broker; REQUIRE_MOSQUITTO=1 turns this skip into a failure.';

/** A free loopback port (asked of the OS, then released). */
export async function freePort(): Promise<number> {
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

/** A mosquitto process the test controls: it can be stopped and started again on the same port. */
export class MosquittoProcess {
  private child: ChildProcess | undefined;
  private readonly dir: string;
  private readonly config: string;

  private constructor(
    private readonly binary: string,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'mosquitto-test-'));
    this.config = join(this.dir, 'mosquitto.conf');
    writeFileSync(this.config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'set_tcp_nodelay true', ''].join('\n'));
  }

  /** Spawns mosquitto on a free loopback port; resolves once it listens. */
  static async spawn(binary: string): Promise<MosquittoProcess> {
    const broker = new MosquittoProcess(binary, await freePort());
    await broker.start();
    return broker;
  }

  /** `mqtt://127.0.0.1:PORT`. */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts (again); resolves when mosquitto says it is running. */
  async start(): Promise<void> {
    if (this.child) throw new Error('mosquitto is already running');
    const child = spawn(this.binary, ['-c', this.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/mosquitto version \S+ running/.test(output)) {
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)} before running:\n${output}`)));
    });
    // Keep draining its log (on stderr: stdout is block-buffered in a pipe) so the pipe never fills.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the broker (SIGTERM) and resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops the broker and removes its config. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Connections to mosquitto over both protocol versions the library supports. */
export const PROTOCOLS = ['MQTT 3.1.1 (async-mqtt)', 'MQTT 5 (mqtt.js v5)'] as const;
/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

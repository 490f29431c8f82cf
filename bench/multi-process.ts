/**
 * 9. A fleet across processes against one external broker (issue 15, item 5):
 * mosquitto (`set_tcp_nodelay true`, `max_queued_messages 0`), the standalone simulator server
 * attached to it (`aws-iot-jobs-sim --attach`), and the fleet's devices split
 * over P device processes, each device its own connection and JobsClient.
 * The control plane is the server's HTTP API through @aws-sdk/client-iot.
 * JOBS jobs are created, each targeting every device; each device works its
 * queue on notify-next. Measured: CreateJob (HTTP round trips included), until
 * every device got its first notify-next, until every execution SUCCEEDED,
 * and job cycles per second. Rounds alternate the process counts; each figure
 * is the median (min-max) of the rounds.
 *
 * Run: `tsx bench/multi-process.ts [--tiny]`
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateJobCommand, DescribeJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { benchSize, bySize, fmt, nowMs, printContext, printTable } from './support/common.js';
import { DOCUMENT } from './support/environment.js';
import { cpuSecondsOf, MOSQUITTO_BINARY, startMosquitto } from './support/mosquitto.js';
import { fmtSpread, Runs } from './support/runs.js';

const here = dirname(fileURLToPath(import.meta.url));
const size = benchSize();
const DEVICES = bySize(size, 6, Number(process.env.BENCH_DEVICES ?? 1_000));
const JOBS = bySize(size, 1, 3);
const PROCESS_COUNTS: readonly number[] = bySize(size, [1], [1, 4]);
const ROUNDS = bySize(size, 1, Number(process.env.BENCH_ROUNDS ?? 3));

/** A child process that speaks in lines. */
interface LineProcess {
  child: ChildProcess;
  /** Resolves with the first line matching `pattern`. */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

function startLineProcess(args: readonly string[]): LineProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(text);
      for (const waiter of [...waiters]) {
        const match = waiter.pattern.exec(text);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    line: (pattern) => {
      for (const text of lines) {
        const match = pattern.exec(text);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`${args.join(' ')} exited before printing ${String(pattern)}`)));
      });
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface FleetRun {
  createMs: number;
  notifiedMs: number;
  doneMs: number;
  /** CPU seconds used during the run by the server, mosquitto and all device processes. */
  cpu: { server: number; broker: number; devices: number };
}

async function runFleet(processes: number, round: number): Promise<FleetRun> {
  // max_queued_messages 0: the simulator is one client that receives every device's request; mosquitto's
  // default (1000 queued per client) drops the rest of a burst from a large fleet.
  const broker = await startMosquitto({ noDelay: true, maxQueued: 0 });
  const server = startLineProcess([join(here, '../lib/server/cli.ts'), '--attach', broker.url, '--http-port', '0', '--auto-create-things']);
  const devices: LineProcess[] = [];
  try {
    const [, httpUrl] = await server.line(/HTTP API listening on (\S+)/);
    const prefix = `mp-${processes}-${round}`;
    const perProcess = Math.ceil(DEVICES / processes);
    for (let p = 0; p < processes; p += 1) {
      const from = p * perProcess;
      const count = Math.min(perProcess, DEVICES - from);
      devices.push(startLineProcess([join(here, 'support/device-fleet-process.ts'), broker.url, prefix, String(from), String(count), String(JOBS)]));
    }
    await Promise.all(devices.map((device) => device.line(/^ready$/)));

    const iot = new IoTClient({ endpoint: httpUrl!, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const targets = Array.from({ length: DEVICES }, (_, index) => `${prefix}-${index}`);
    const notified = Promise.all(devices.map((device) => device.line(/^notified$/)));
    const done = Promise.all(devices.map((device) => device.line(/^done (\d+)$/)));
    const serverCpu0 = cpuSecondsOf(server.child.pid);
    const brokerCpu0 = cpuSecondsOf(broker.pid);
    const devicesCpu0 = devices.map((device) => cpuSecondsOf(device.child.pid));
    const start = nowMs();
    for (let job = 0; job < JOBS; job += 1) await iot.send(new CreateJobCommand({ jobId: `${prefix}-job-${job}`, targets, document: DOCUMENT }));
    const createMs = nowMs() - start;
    await notified;
    const notifiedMs = nowMs() - start;
    const counts = await done;
    const doneMs = nowMs() - start;
    const cpu = {
      server: cpuSecondsOf(server.child.pid) - serverCpu0,
      broker: cpuSecondsOf(broker.pid) - brokerCpu0,
      devices: devices.reduce((total, device, i) => total + cpuSecondsOf(device.child.pid) - (devicesCpu0[i] ?? 0), 0),
    };
    const executions = counts.reduce((total, match) => total + Number(match[1]), 0);
    if (executions !== DEVICES * JOBS) throw new Error(`expected ${DEVICES * JOBS} executions, the devices report ${executions}`);
    const { job } = await iot.send(new DescribeJobCommand({ jobId: `${prefix}-job-${JOBS - 1}` }));
    if (job?.status !== 'COMPLETED') throw new Error(`the last job is ${String(job?.status)}, not COMPLETED`);
    iot.destroy();
    return { createMs, notifiedMs, doneMs, cpu };
  } finally {
    await Promise.all(devices.map((device) => device.stop()));
    await server.stop();
    await broker.stop();
  }
}

await printContext('A fleet across processes: mosquitto + aws-iot-jobs-sim --attach + device processes', size);
if (MOSQUITTO_BINARY === undefined) {
  console.log('\n(mosquitto is not installed: skipped)');
} else {
  const runs = new Runs();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const processes of PROCESS_COUNTS) {
      const result = await runFleet(processes, round);
      runs.add(`${processes} create`, result.createMs);
      runs.add(`${processes} notified`, result.notifiedMs);
      runs.add(`${processes} done`, result.doneMs);
      runs.add(`${processes} rate`, (DEVICES * JOBS * 1000) / result.doneMs);
      runs.add(`${processes} cpu server`, result.cpu.server);
      runs.add(`${processes} cpu broker`, result.cpu.broker);
      runs.add(`${processes} cpu devices`, result.cpu.devices);
    }
  }
  printTable(
    `${fmt(DEVICES)} devices (one connection each) in P processes, ${JOBS} jobs each targeting all of them; median (min-max) of ${ROUNDS} rounds`,
    ['device processes', 'devices', `CreateJob x ${JOBS} over HTTP (ms)`, 'all notified (ms)', 'all SUCCEEDED (ms)', 'job cycles/s', 'CPU s: server', 'mosquitto', 'device processes'],
    PROCESS_COUNTS.map((processes) => [
      String(processes),
      fmt(DEVICES),
      fmtSpread(runs.get(`${processes} create`), 1),
      fmtSpread(runs.get(`${processes} notified`), 1),
      fmtSpread(runs.get(`${processes} done`), 1),
      fmtSpread(runs.get(`${processes} rate`)),
      fmt(runs.get(`${processes} cpu server`).median, 2),
      fmt(runs.get(`${processes} cpu broker`).median, 2),
      fmt(runs.get(`${processes} cpu devices`).median, 2),
    ]),
  );
}

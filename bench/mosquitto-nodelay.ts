/**
 * 8. What `set_tcp_nodelay true` is worth on mosquitto (issue 15, item 4):
 * the simulator attached to mosquitto (`attachToBroker`, as the server's
 * `--attach` does) and a JobsClient (`connect()`, which turns Nagle off on
 * its own socket) calling DescribeJobExecution one at a time, with and
 * without the setting. Without it every exchange waits for a delayed ACK.
 * Interleaved rounds; median (min-max) of the rounds' p50s.
 *
 * Run: `tsx bench/mosquitto-nodelay.ts [--tiny]`
 */

import { JobsClient } from '../lib/client/jobs-client.js';
import { connect } from '../lib/mqtt/connect.js';
import { JobsSimulator } from '../lib/testing/simulator/jobs-simulator.js';
import { benchSize, bySize, latencyStats, printContext, printTable, ratio, sampleSequential } from './support/common.js';
import { DOCUMENT } from './support/environment.js';
import { MOSQUITTO_BINARY, startMosquitto } from './support/mosquitto.js';
import { fmtSpread, Runs } from './support/runs.js';

const size = benchSize();
const ROUNDS = bySize(size, 1, 3);
const CALLS = { on: bySize(size, 20, 300), off: bySize(size, 5, 25) };
const THING = 'nodelay-thing';

interface Setup {
  run: () => Promise<unknown>;
  close: () => Promise<void>;
}

async function setup(noDelay: boolean): Promise<Setup> {
  const broker = await startMosquitto({ noDelay });
  const simulator = new JobsSimulator({ autoCreateThings: true });
  await simulator.attachToBroker(broker.url);
  simulator.createJob({ jobId: 'job', targets: [THING], document: DOCUMENT });
  const connection = await connect(broker.url, { clientId: `device-${noDelay ? 'on' : 'off'}` });
  const client = JobsClient.for(connection);
  await client.watch(THING);
  return {
    run: () => client.describeJobExecution(THING, 'job'),
    close: async () => {
      await client.close();
      await connection.end();
      await simulator.close();
      await broker.stop();
    },
  };
}

await printContext('mosquitto: set_tcp_nodelay', size);
if (MOSQUITTO_BINARY === undefined) {
  console.log('\n(mosquitto is not installed: skipped)');
} else {
  const on = await setup(true);
  const off = await setup(false);
  const runs = new Runs();
  await sampleSequential(on.run, 0, 20);
  await sampleSequential(off.run, 0, 2);
  for (let round = 0; round < ROUNDS; round += 1) {
    runs.add('on', latencyStats(await sampleSequential(on.run, CALLS.on, 0)).p50);
    runs.add('off', latencyStats(await sampleSequential(off.run, CALLS.off, 0)).p50);
  }
  await on.close();
  await off.close();
  const onSpread = runs.get('on');
  const offSpread = runs.get('off');
  printTable(
    `DescribeJobExecution through mosquitto (simulator attached as a client), p50 µs, median (min-max) of ${ROUNDS} interleaved rounds`,
    ['mosquitto config', 'calls per round', 'p50 (µs)', 'ratio to set_tcp_nodelay true'],
    [
      ['set_tcp_nodelay true (the README)', String(CALLS.on), fmtSpread(onSpread), '1.00x'],
      ['default (Nagle on)', String(CALLS.off), fmtSpread(offSpread), ratio(offSpread.median, onSpread.median)],
    ],
  );
}

/**
 * `npm run demo -- --runner` (or `npm run demo:runner`): the job runner on the
 * embedded broker and simulator. A firmware job reports progress and
 * succeeds; a second one is force-canceled while it runs (its handler's
 * signal aborts); a third finishes while the device is offline, the device
 * "reboots", and the final status kept on disk is delivered by the next runner.
 */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Thing } from '../lib/index.js';
import { createTestEnvironment } from '../lib/testing/index.js';
import { startDevice } from './runner-device.js';

const thingName = 'demo-device';
const log = (line: string): void => console.log(`  ${line}`);

const env = await createTestEnvironment();
const directory = await mkdtemp(join(tmpdir(), 'aws-iot-jobs-demo-'));
try {
  const { simulator } = env;
  simulator.createThing({ thingName });
  const queue = (jobId: string, document: object): void => {
    simulator.createJob({ jobId, targets: [thingName], document: JSON.stringify(document) });
    console.log(`Queued ${jobId}: ${JSON.stringify(document)}`);
  };
  const status = (jobId: string): string => {
    const { execution } = simulator.describeJobExecution({ jobId, thingName });
    return `${execution.status} ${JSON.stringify(execution.statusDetails?.detailsMap ?? {})}`;
  };

  console.log(`\n1. A firmware job with progress, and a second one canceled while it runs (status store: ${directory})`);
  queue('firmware-4-2', { operation: 'firmware', version: '4.2.0', chunks: 5 });
  queue('firmware-4-3', { operation: 'firmware', version: '4.3.0', chunks: 100 });
  let connection = await env.connect({ clientId: thingName });
  let power = new AbortController();
  let runner = startDevice(new Thing(thingName, connection), directory, power.signal, log);
  let canceled = false;
  runner.events.on('progress', ({ jobId }) => {
    if (jobId === 'firmware-4-3' && !canceled) {
      canceled = true;
      console.log('  (operator) CancelJob firmware-4-3 with force');
      simulator.cancelJob({ jobId, force: true, comment: 'bad build' });
    }
  });
  await new Promise<void>((resolve) => runner.events.on('canceled', () => resolve()));
  console.log(`  service: firmware-4-2 ${status('firmware-4-2')}; firmware-4-3 ${status('firmware-4-3')}`);

  console.log('\n2. A job that finishes while the device is offline, then a reboot');
  queue('firmware-4-4', { operation: 'firmware', version: '4.4.0', chunks: 2 });
  runner.events.on('started', ({ jobId }) => {
    if (jobId === 'firmware-4-4') {
      console.log('  (network) the connection drops');
      simulator.faults.disconnectClient(thingName);
    }
  });
  // The handler finishes offline: its status is stored, and the first send fails.
  await new Promise<void>((resolve) => {
    runner.events.on('error', ({ jobId }) => {
      if (jobId === 'firmware-4-4' && runner.outboxSize === 1) resolve();
    });
  });
  console.log(`  kept on disk: ${(await readdir(join(directory, thingName))).join(', ')}; service: ${status('firmware-4-4')}`);
  console.log('  (power) the device reboots');
  power.abort();
  await runner.stopped;
  await connection.end(true);

  connection = await env.connect({ clientId: thingName });
  power = new AbortController();
  runner = startDevice(new Thing(thingName, connection), directory, power.signal, log);
  await new Promise<void>((resolve) => runner.events.on('finished', () => resolve()));
  console.log(`  service: firmware-4-4 ${status('firmware-4-4')}; left on disk: ${(await readdir(join(directory, thingName))).length} file(s)`);
  power.abort();
  await runner.stopped;
} finally {
  await env.close();
  await rm(directory, { recursive: true, force: true });
}

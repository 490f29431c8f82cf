/**
 * One device process of the multi-process benchmark: `count` devices, each
 * its own MQTT connection (`connect()`) and JobsClient watching its thing.
 * On `notify-next` a device works its queue: StartNextPendingJobExecution,
 * then UpdateJobExecution SUCCEEDED, until nothing is pending.
 *
 * Talks to its parent in lines on stdout: `ready`, `notified` (every device
 * got its first notify-next), `done <executions>` (every device finished
 * `jobs` executions). Exits on SIGTERM or when stdin closes.
 *
 * Run by bench/multi-process.ts: `node --import tsx device-fleet-process.ts URL PREFIX FROM COUNT JOBS`
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { JobsClient } from '../../lib/client/jobs-client.js';
import { connect } from '../../lib/mqtt/connect.js';

const [url, prefix, fromText, countText, jobsText] = process.argv.slice(2);
if (url === undefined || prefix === undefined) throw new Error('usage: URL PREFIX FROM COUNT JOBS');
const from = Number(fromText);
const count = Number(countText);
const jobs = Number(jobsText);

const connections: AsyncMqttClient[] = [];
let notified = 0;
let finished = 0;
let executions = 0;

async function startDevice(index: number): Promise<void> {
  const thingName = `${prefix}-${index}`;
  const connection = await connect(url!, { clientId: thingName });
  connections.push(connection);
  const client = JobsClient.for(connection, { timeoutMs: 60_000 });
  let seen = false;
  let working = false;
  let done = 0;
  const work = async (): Promise<void> => {
    if (working) return;
    working = true;
    try {
      for (;;) {
        const { execution } = await client.startNextPendingJobExecution(thingName);
        if (!execution) break;
        await client.updateJobExecution(thingName, execution.jobId, { status: 'SUCCEEDED', expectedVersion: execution.versionNumber });
        executions += 1;
        done += 1;
        if (done === jobs) {
          finished += 1;
          if (finished === count) process.stdout.write(`done ${executions}\n`);
        }
      }
    } finally {
      working = false;
    }
  };
  client.events.on('notify-next', (event) => {
    if (event.thingName !== thingName || !event.notification.execution) return;
    if (!seen) {
      seen = true;
      notified += 1;
      if (notified === count) process.stdout.write('notified\n');
    }
    work().catch((error: unknown) => {
      if (!stopping) process.stderr.write(`${thingName}: ${String(error)}\n`);
    });
  });
  await client.watch(thingName);
}

let stopping = false;
const shutdown = async (): Promise<void> => {
  stopping = true;
  await Promise.allSettled(connections.map((connection) => connection.end(true)));
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.resume();

// Connect in batches: a burst of thousands of CONNECTs at once only measures the accept queue.
const BATCH = 50;
for (let start = 0; start < count; start += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => startDevice(from + start + i)));
}
process.stdout.write('ready\n');

/**
 * `npm run demo`: with no arguments, starts the in-memory broker and the Jobs
 * simulator, queues three jobs and runs the README's device loop on them.
 * Then one AWS IoT Commands round trip: StartCommandExecution, the device
 * answers, GetCommandExecution shows its status and result.
 * With `--url` (and `--cert`, `--key`, `--ca`, `--thing`) the same loop runs
 * against a real broker or AWS IoT Core; jobs there are queued by you.
 * With `--runner`, the job runner's demo (demo/runner.ts) runs instead.
 */

import { parseArgs } from 'node:util';
import { Commands, connect, Thing } from '../lib/index.js';
import { createTestEnvironment } from '../lib/testing/index.js';
import { serveCommands } from './commands-device.js';
import { runDeviceLoop } from './device-loop.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    thing: { type: 'string', default: 'demo-device' },
    'client-id': { type: 'string' },
    runner: { type: 'boolean' },
  },
});
const thingName = values.thing;
const log = (line: string): void => console.log(`  ${line}`);

if (values.runner === true) await import('./runner.js'); // the job runner's demo (demo/runner.ts)
else if (values.url) await runAgainstBroker(values.url);
else await runEmbedded();

async function runEmbedded(): Promise<void> {
  console.log('Starting the in-memory broker and the Jobs simulator (no AWS account needed)');
  const env = await createTestEnvironment();
  try {
    const { simulator } = env;
    simulator.createThing({ thingName });
    const jobs = [
      { jobId: 'firmware-update', document: { operation: 'install', steps: 3 }, description: 'reports progress, then succeeds' },
      { jobId: 'reboot', document: { operation: 'reboot' }, description: 'succeeds at once' },
      { jobId: 'self-test', document: { operation: 'self-test', sensor: 'temperature' }, description: 'fails' },
      { jobId: 'late-reboot', document: { operation: 'reboot' }, description: 'queued later, while the device waits' },
    ];
    const queueJob = (job: (typeof jobs)[number]): void => {
      simulator.createJob({ jobId: job.jobId, targets: [thingName], document: JSON.stringify(job.document), description: job.description });
      console.log(`Queued job ${job.jobId} for ${thingName}: ${job.description}`);
    };
    for (const job of jobs.slice(0, 3)) queueJob(job);
    const connection = await env.connect({ clientId: thingName });
    console.log(`Device ${thingName} connected; running the device loop (it never returns by itself)`);
    const stop = new AbortController();
    const terminal = (jobId: string): boolean => {
      try {
        const { status } = simulator.describeJobExecution({ jobId, thingName }).execution;
        return status === 'SUCCEEDED' || status === 'FAILED';
      } catch {
        return false; // not queued yet
      }
    };
    const watch = (line: string): void => {
      log(line);
      if (!line.includes(': update ') || line.includes('IN_PROGRESS')) return;
      // The first three are done: queue one more while the loop waits; stop once it is done too.
      if (jobs.slice(0, 3).every((job) => terminal(job.jobId)) && !jobs.slice(3).some((job) => terminal(job.jobId))) {
        setTimeout(() => queueJob(jobs[3]!), 200).unref();
      }
      if (jobs.every((job) => terminal(job.jobId))) stop.abort();
    };
    await runDeviceLoop(new Thing(thingName, connection), watch, stop.signal);

    console.log('\nFinal state');
    const rows = jobs.map(({ jobId }) => {
      const { execution } = simulator.describeJobExecution({ jobId, thingName });
      const { job } = simulator.describeJob({ jobId });
      const counters = job.jobProcessDetails;
      return {
        job: jobId,
        execution: execution.status,
        version: execution.versionNumber,
        'job status': job.status,
        succeeded: counters?.numberOfSucceededThings ?? 0,
        failed: counters?.numberOfFailedThings ?? 0,
        queued: counters?.numberOfQueuedThings ?? 0,
        'in progress': counters?.numberOfInProgressThings ?? 0,
      };
    });
    printTable(rows);

    console.log('\nA command round trip (AWS IoT Commands)');
    const device = new Commands(new Thing(thingName, connection), { executionTimeoutMs: 10_000 });
    await device.ready;
    const served = serveCommands(device, log, 1);
    const { commands } = simulator;
    const { commandArn } = commands.createCommand({
      commandId: 'open-valve',
      payload: { content: new TextEncoder().encode('{"action":"open","valve":"A"}'), contentType: 'application/json' },
    });
    const targetArn = commands.thingArn(thingName);
    const { executionId } = commands.startCommandExecution({ commandArn, targetArn, executionTimeoutSeconds: 10 });
    console.log(`StartCommandExecution open-valve on ${thingName}: execution ${executionId}`);
    await served;
    await device.close();
    const execution = commands.getCommandExecution({ executionId, targetArn, includeResult: true });
    console.log(`GetCommandExecution: ${execution.status}, result ${JSON.stringify(execution.result)}`);
  } finally {
    await env.close();
  }
}

async function runAgainstBroker(url: string): Promise<void> {
  console.log(`Connecting to ${url} as ${thingName}`);
  const connection = await connect(url, {
    clientId: values['client-id'] ?? thingName,
    ...(values.cert && { certPath: values.cert }),
    ...(values.key && { keyPath: values.key }),
    ...(values.ca && { caPath: values.ca }),
  });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort()); // Ctrl-C stops the loop cleanly
  try {
    await runDeviceLoop(new Thing(thingName, connection), log, stop.signal);
    console.log('Stopped.');
  } finally {
    await connection.end();
  }
}

/** Prints rows as an aligned text table. */
function printTable(rows: Array<Record<string, string | number | undefined>>): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (value: string | number | undefined): string => (value === undefined ? '-' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]): string => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))));
}

/**
 * The runner's handlers: chosen by operation, by a function, or by a Device
 * Client step; their outcome becomes the final status.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { MemoryStatusStore } from '../../lib/runner/memory-status-store.js';
import type { JobHandlers } from '../../lib/runner/handlers.js';
import { RunnerBed, record, until } from './support.js';

let bed: RunnerBed;
let runner: JobRunner | undefined;
beforeEach(async () => {
  bed = await RunnerBed.start();
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await bed.close();
});

async function runAll(handlers: Parameters<typeof runJobs>[1], jobIds: string[], options: Parameters<typeof runJobs>[2] = {}): Promise<JobRunner> {
  const { thing } = await bed.connect('t1');
  runner = runJobs(thing, handlers, { store: new MemoryStatusStore(), ...options });
  const finished = new Set<string>();
  runner.events.on('finished', ({ jobId }) => finished.add(jobId));
  await until(() => jobIds.every((id) => finished.has(id)), `finished ${jobIds.join(', ')}`);
  return runner;
}

test('by operation: returned details are SUCCEEDED, a throw is FAILED with the message, reject() is REJECTED, no handler is REJECTED', async () => {
  bed.createJob('ok', ['t1'], { operation: 'install', version: '4.2' });
  bed.createJob('boom', ['t1'], { operation: 'explode' });
  bed.createJob('no', ['t1'], { operation: 'refuse' });
  bed.createJob('what', ['t1'], { operation: 'dance' });
  bed.createJob('bare', ['t1'], { hello: 'world' });
  const handlers: JobHandlers = {
    install: ({ document }) => ({ installed: document.version as string }),
    explode: () => {
      throw new Error('disk\nfull: ' + 'x'.repeat(2000));
    },
    refuse: ({ reject }) => reject('not on battery'),
  };
  await runAll(handlers, ['ok', 'boom', 'no', 'what', 'bare']);
  expect(bed.execution('ok', 't1')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { installed: '4.2' } } });
  const failed = bed.execution('boom', 't1');
  expect(failed.status).toBe('FAILED');
  const reason = failed.statusDetails?.detailsMap?.reason ?? '';
  expect(reason.startsWith('disk full: xxx')).toBe(true);
  expect(reason).toHaveLength(1024);
  expect(bed.execution('no', 't1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'not on battery' } } });
  expect(bed.execution('what', 't1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'no handler for operation "dance"' } } });
  expect(bed.execution('bare', 't1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'no handler for operation (the document has no "operation")' } } });
});

test('one at a time, in AWS order, from $next / StartNext', async () => {
  for (const id of ['a', 'b', 'c']) bed.createJob(id, ['t1'], { operation: 'noop' });
  let running = 0;
  let most = 0;
  const order: string[] = [];
  await runAll(
    {
      noop: async ({ job }) => {
        running++;
        most = Math.max(most, running);
        order.push(job.jobId);
        await Promise.resolve();
        running--;
      },
    },
    ['a', 'b', 'c'],
  );
  expect(order).toEqual(['a', 'b', 'c']);
  expect(most).toBe(1);
});

test('concurrency: n handlers side by side', async () => {
  for (const id of ['a', 'b', 'c', 'd']) bed.createJob(id, ['t1'], { operation: 'wait' });
  const gates = new Map<string, () => void>();
  const { thing } = await bed.connect('t1');
  runner = runJobs(thing, { wait: ({ job }) => new Promise<void>((resolve) => gates.set(job.jobId, resolve)) }, { store: new MemoryStatusStore(), concurrency: 3 });
  await until(() => gates.size === 3, 'three running');
  expect(runner.running.sort()).toEqual(['a', 'b', 'c']);
  gates.get('b')!();
  await until(() => gates.size === 4, 'the fourth starts when a slot frees');
  for (const open of gates.values()) open();
  await until(() => ['a', 'b', 'c', 'd'].every((id) => bed.execution(id, 't1').status === 'SUCCEEDED'), 'all succeeded');
});

test('a handler chosen by a function of the job', async () => {
  bed.createJob('fw-1', ['t1'], { anything: true });
  await runAll((job) => (job.jobId.startsWith('fw-') ? () => ({ by: 'function' }) : undefined), ['fw-1']);
  expect(bed.execution('fw-1', 't1')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { by: 'function' } } });
});

test('a Device Client document (schema 1.0) runs its runHandler steps by input.handler, in order, then finalStep; never a process', async () => {
  const step = (name: string, handler: string, args: string[]) => ({ action: { name, type: 'runHandler', input: { handler, args, path: 'default' }, runAsUser: 'root' } });
  bed.createJob('dc', ['t1'], { version: '1.0', steps: [step('Download', 'download.sh', ['https://x/fw.bin']), step('Install', 'install.sh', ['fw.bin'])], finalStep: step('Clean', 'cleanup.sh', []) });
  bed.createJob('dc-missing', ['t1'], { version: '1.0', steps: [step('Run', 'rm-rf.sh', ['/'])] });
  const calls: string[] = [];
  const handlers: JobHandlers = {
    'download.sh': ({ step: s }) => {
      calls.push(`${s?.name}:${s?.args.join(' ')}`);
      return { downloaded: 'yes' };
    },
    'install.sh': ({ step: s }) => {
      calls.push(`${s?.name}:${s?.args.join(' ')}`);
      return { installed: 'yes' };
    },
    'cleanup.sh': ({ step: s }) => {
      calls.push(`${s?.name}:final=${String(s?.final)}`);
    },
  };
  await runAll(handlers, ['dc', 'dc-missing']);
  expect(calls).toEqual(['Download:https://x/fw.bin', 'Install:fw.bin', 'Clean:final=true']);
  expect(bed.execution('dc', 't1')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { downloaded: 'yes', installed: 'yes' } } });
  expect(bed.execution('dc-missing', 't1')).toMatchObject({ status: 'REJECTED', statusDetails: { detailsMap: { reason: 'no handler for handler "rm-rf.sh"' } } });
});

test('events tell everything, in order; a throwing listener does not stop the runner', async () => {
  bed.createJob('j1', ['t1'], { operation: 'noop' });
  const { thing } = await bed.connect('t1');
  const lines: string[] = [];
  runner = runJobs(thing, { noop: ({ progress }) => progress({ step: '1' }) }, { store: new MemoryStatusStore(), logger: { info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) } });
  const seen = record(runner);
  runner.events.on('started', () => {
    throw new Error('listener bug');
  });
  await until(() => seen.some((e) => e.type === 'finished'), 'finished');
  expect(seen.map((e) => e.type)).toEqual(['error', 'started', 'progress', 'finished']);
  expect(lines).toEqual(expect.arrayContaining(['runner t1: j1 started', 'runner t1: j1 progress {"step":"1"}', 'runner t1: j1 SUCCEEDED accepted']));
});

test('stop() leaves no timer and no listener behind', async () => {
  const { thing, connection } = await bed.connect('t1');
  const listeners = (): number => connection.listenerCount('message') + connection.listenerCount('connect') + connection.listenerCount('close');
  const runOne = async (jobId: string): Promise<void> => {
    bed.createJob(jobId, ['t1'], { operation: 'noop' });
    runner = runJobs(thing, { noop: ({ progress }) => progress({ step: '1' }) }, { store: new MemoryStatusStore(), stepTimeoutInMinutes: 1 });
    const seen = record(runner);
    await until(() => seen.some((e) => e.type === 'finished'), 'finished');
    await runner.stop();
    await runner.stop(); // twice is fine
  };
  await runOne('j1'); // the connection's shared Jobs client stays: it belongs to the connection
  const after = listeners();
  await runOne('j2');
  expect(jest.getTimerCount()).toBe(0);
  expect(listeners()).toBe(after);
});

/**
 * A crash at each point between "handler finished" and "service accepted":
 * the runner is dropped there (its connection cut, its process frozen at that
 * await), and a new runner starts on the same file store, as after a reboot.
 * Each case ends with exactly one final status at the service.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobs, type JobRunner } from '../../lib/runner/job-runner.js';
import { FileStatusStore } from '../../lib/runner/file-status-store.js';
import type { StatusStore, StoredStatus } from '../../lib/runner/status-store.js';
import type { JobContext } from '../../lib/runner/handlers.js';
import { RunnerBed, record, settle, until } from './support.js';

let bed: RunnerBed;
let root: string;
const runners: JobRunner[] = [];
beforeEach(async () => {
  bed = await RunnerBed.start();
  root = await mkdtemp(join(tmpdir(), 'aws-iot-jobs-crash-'));
});
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  await bed.close();
  await rm(root, { recursive: true, force: true });
});

type CrashPoint = 'before the store write' | 'stored, before the send' | 'sent, before the reply' | 'accepted, before the store delete';

const never = new Promise<never>(() => undefined);

/** The file store, with a crash (connection cut, then a freeze) at one point. */
function crashingStore(real: FileStatusStore, point: CrashPoint, crash: () => void): StatusStore {
  return {
    put: async (status: StoredStatus) => {
      if (point === 'before the store write') {
        crash();
        return never;
      }
      await real.put(status);
      if (point === 'stored, before the send') {
        crash();
        return never;
      }
    },
    delete: async (thingName: string, jobId: string) => {
      if (point === 'accepted, before the store delete') {
        crash();
        return never;
      }
      await real.delete(thingName, jobId);
    },
    list: (thingName: string) => real.list(thingName),
  };
}

test.each<CrashPoint>(['before the store write', 'stored, before the send', 'sent, before the reply', 'accepted, before the store delete'])(
  'crash %s: the next runner on the same file store ends with exactly one final status',
  async (point) => {
    bed.createJob('fw', ['t1'], { operation: 'install' });
    const first = await bed.connect('t1');
    const crash = (): void => void first.connection.end(true);
    const calls: Array<Pick<JobContext, 'resumed'>> = [];
    const handlers = {
      install: (context: JobContext) => {
        calls.push({ resumed: context.resumed });
        return { result: 'installed' };
      },
    };
    if (point === 'sent, before the reply') {
      bed.simulator.faults.dropReplies({ thingName: 't1', operation: 'update' }, 1);
      bed.simulator.on('notify', () => {
        if (bed.execution('fw', 't1').status === 'SUCCEEDED') crash();
      });
    }
    const a = runJobs(first.thing, handlers, { store: crashingStore(new FileStatusStore(root), point, crash) });
    // Dropped: never stopped, frozen at the crash point.
    await until(() => !first.connection.connected, 'crashed');
    const afterCrash = bed.execution('fw', 't1').status;
    expect(afterCrash).toBe(point === 'sent, before the reply' || point === 'accepted, before the store delete' ? 'SUCCEEDED' : 'IN_PROGRESS');
    void a;

    const second = await bed.connect('t1');
    const b = runJobs(second.thing, handlers, { store: new FileStatusStore(root) });
    runners.push(b);
    const seen = record(b);
    await until(() => seen.some((e) => e.type === 'finished'), 'finished by the new runner');
    await settle();

    const execution = bed.execution('fw', 't1');
    expect(execution).toMatchObject({ status: 'SUCCEEDED', statusDetails: { detailsMap: { result: 'installed' } } });
    // Queued (1), started (2), one final status (3): nothing else was ever accepted.
    expect(execution.versionNumber).toBe(3);
    expect(seen.filter((e) => e.type === 'finished')).toHaveLength(1);
    expect(seen.find((e) => e.type === 'finished')?.event).toMatchObject({ fromStore: point !== 'before the store write' });
    // The handler ran again only when nothing had been stored, and then knew it was resumed.
    expect(calls).toEqual(point === 'before the store write' ? [{ resumed: false }, { resumed: true }] : [{ resumed: false }]);
    expect(await readdir(join(root, 't1')).catch(() => [])).toEqual([]);
  },
);

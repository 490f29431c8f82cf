/**
 * The file store on a real temporary directory: one directory per thing,
 * one file per job, written atomically (nothing half-written is ever read).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStatusStore, defaultOutboxDirectory } from '../../lib/runner/file-status-store.js';
import type { StoredStatus } from '../../lib/runner/status-store.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aws-iot-jobs-outbox-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const entry = (thingName: string, jobId: string, finishedAt: number, extra: Partial<StoredStatus> = {}): StoredStatus => ({
  thingName,
  jobId,
  status: 'SUCCEEDED',
  statusDetails: { result: 'ok' },
  finishedAt,
  ...extra,
});

test('one directory per thing (URI-encoded), one <jobId>.json per entry; list is oldest first; delete is durable and idempotent', async () => {
  const store = new FileStatusStore(root);
  await store.put(entry('gw:sensor-1', 'b', 2));
  await store.put(entry('gw:sensor-1', 'a', 1, { executionNumber: 7, status: 'FAILED' }));
  await store.put(entry('other', 'c', 3));
  expect((await readdir(root)).sort()).toEqual(['gw%3Asensor-1', 'other']);
  expect((await readdir(join(root, 'gw%3Asensor-1'))).sort()).toEqual(['a.json', 'b.json']);
  expect(JSON.parse(await readFile(join(root, 'gw%3Asensor-1', 'a.json'), 'utf8'))).toEqual(entry('gw:sensor-1', 'a', 1, { executionNumber: 7, status: 'FAILED' }));
  expect((await store.list('gw:sensor-1')).map((e) => e.jobId)).toEqual(['a', 'b']);

  await store.delete('gw:sensor-1', 'a');
  await store.delete('gw:sensor-1', 'a');
  await store.delete('never', 'x');
  expect((await store.list('gw:sensor-1')).map((e) => e.jobId)).toEqual(['b']);
  expect(await store.list('nobody')).toEqual([]);
});

test('a put replaces the entry whole and leaves no temporary file behind; a second store on the same directory reads it (a restart)', async () => {
  const store = new FileStatusStore(root);
  await store.put(entry('t1', 'job', 1));
  await store.put(entry('t1', 'job', 2, { status: 'REJECTED', statusDetails: { reason: 'no' } }));
  expect(await readdir(join(root, 't1'))).toEqual(['job.json']);
  expect(await new FileStatusStore(root).list('t1')).toEqual([entry('t1', 'job', 2, { status: 'REJECTED', statusDetails: { reason: 'no' } })]);
});

test('what a crash could leave (a temporary file, a torn or foreign file) is skipped, never thrown', async () => {
  const store = new FileStatusStore(root);
  await store.put(entry('t1', 'good', 1));
  const dir = join(root, 't1');
  await writeFile(join(dir, 'good.json.12345'), '{"thingName":"t1","jobId":"go');
  await writeFile(join(dir, 'torn.json'), '{"thingName":"t1","jobId":"to');
  await writeFile(join(dir, 'wrong.json'), JSON.stringify(entry('t1', 'other', 1)));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...entry('t1', 'bad', 1), status: 'CANCELED' }));
  await mkdir(join(dir, 'sub.json'));
  expect((await store.list('t1')).map((e) => e.jobId)).toEqual(['good']);
});

test('the default location is ~/.aws-iot-jobs/outbox', () => {
  expect(defaultOutboxDirectory()).toBe(join(homedir(), '.aws-iot-jobs', 'outbox'));
  expect(new FileStatusStore().directory).toBe(defaultOutboxDirectory());
});

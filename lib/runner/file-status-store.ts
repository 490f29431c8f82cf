/**
 * The default status store: one JSON file per final status, in one directory
 * per thing, written atomically (write-file-atomic: a temporary file, fsync,
 * rename; then an fsync of the directory so the rename itself is durable).
 * A power cut leaves either the old state or the new one, never half a file.
 *
 * Layout: `<directory>/<thing name, URI-encoded>/<jobId>.json`.
 * @packageDocumentation
 */

import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { isValidJobId, isValidThingName } from '../protocol/rules.js';
import type { FinalStatus, StatusStore, StoredStatus } from './status-store.js';

/** `~/.aws-iot-jobs/outbox`: where {@link FileStatusStore} keeps its files unless told otherwise. */
export function defaultOutboxDirectory(): string {
  return join(homedir(), '.aws-iot-jobs', 'outbox');
}

const FINAL: ReadonlySet<string> = new Set<FinalStatus>(['SUCCEEDED', 'FAILED', 'REJECTED']);

/** A {@link StatusStore} on the file system; survives a restart and a power cut. */
export class FileStatusStore implements StatusStore {
  /** The root directory; each thing has a directory inside it. */
  readonly directory: string;

  /** @param directory - the root directory, created on first use. @defaultValue {@link defaultOutboxDirectory} */
  constructor(directory: string = defaultOutboxDirectory()) {
    this.directory = directory;
  }

  /** The directory of one thing's entries. */
  thingDirectory(thingName: string): string {
    return join(this.directory, encodeURIComponent(thingName));
  }

  /** Writes the entry atomically and durably. */
  async put(status: StoredStatus): Promise<void> {
    const directory = this.thingDirectory(status.thingName);
    await mkdir(directory, { recursive: true });
    await writeFileAtomic(this.fileOf(status.thingName, status.jobId), `${JSON.stringify(status)}\n`, { fsync: true });
    await syncDirectory(directory);
  }

  /** Removes the entry's file, durably; an absent file is fine. */
  async delete(thingName: string, jobId: string): Promise<void> {
    try {
      await unlink(this.fileOf(thingName, jobId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await syncDirectory(this.thingDirectory(thingName));
  }

  /** Reads the thing's entries, oldest first. Files that do not parse as an entry are skipped. */
  async list(thingName: string): Promise<StoredStatus[]> {
    let names: string[];
    try {
      names = await readdir(this.thingDirectory(thingName));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: StoredStatus[] = [];
    for (const name of names.filter((file) => file.endsWith('.json'))) {
      const entry = await readEntry(join(this.thingDirectory(thingName), name));
      if (entry !== undefined && entry.thingName === thingName && `${entry.jobId}.json` === name) entries.push(entry);
    }
    return entries.sort((a, b) => a.finishedAt - b.finishedAt);
  }

  private fileOf(thingName: string, jobId: string): string {
    return join(this.thingDirectory(thingName), `${jobId}.json`);
  }
}

async function readEntry(file: string): Promise<StoredStatus | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isStoredStatus(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isStoredStatus(value: unknown): value is StoredStatus {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    isValidThingName(entry.thingName) &&
    isValidJobId(entry.jobId) &&
    typeof entry.status === 'string' &&
    FINAL.has(entry.status) &&
    typeof entry.finishedAt === 'number' &&
    (entry.executionNumber === undefined || Number.isInteger(entry.executionNumber)) &&
    (entry.statusDetails === undefined || (typeof entry.statusDetails === 'object' && entry.statusDetails !== null && Object.values(entry.statusDetails).every((v) => typeof v === 'string')))
  );
}

/** Makes a rename or unlink in `directory` durable. Not supported everywhere (Windows): then skipped. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // The file itself was fsynced; a directory that cannot be opened for fsync is a platform limit.
  } finally {
    await handle?.close();
  }
}

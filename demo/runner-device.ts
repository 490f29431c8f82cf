/**
 * The device of the README's "Job runner" section: what it can do, and the
 * one call that runs its jobs. `demo/runner.ts` runs it on the embedded
 * broker and simulator; spec/runner/readme-runner.spec.ts checks that the
 * README shows this code verbatim and runs it.
 */

// --- README runner start
import { setTimeout as sleep } from 'node:timers/promises';
import { FileStatusStore, runJobs, type JobHandlers, type JobRunner, type Thing } from '../lib/index.js';

/** What this device can do, by the job document's `operation`. */
export const handlers: JobHandlers = {
  // { "operation": "firmware", "version": "4.2.0", "chunks": 5 }
  firmware: async ({ document, progress, signal, resumed }) => {
    const chunks = Number(document.chunks ?? 5);
    for (let chunk = 1; chunk <= chunks; chunk++) {
      await sleep(50, undefined, { signal }); // "download" a chunk; rejects when the job is canceled
      progress({ downloaded: `${chunk}/${chunks}` }); // coalesced: at most one update a second
    }
    return { installed: typeof document.version === 'string' ? document.version : '?', resumed: String(resumed) }; // SUCCEEDED
  },
  // { "operation": "reboot", "force": true }
  reboot: ({ document, reject }) => {
    if (document.force !== true) reject('a reboot needs "force": true'); // REJECTED
    return { rebooted: 'yes' };
  },
  // anything that throws ends FAILED with the message; an unknown operation is REJECTED
};

/** Runs the thing's jobs until `signal` aborts; final statuses wait in `directory` across reboots. */
export function startDevice(thing: Thing, directory: string, signal: AbortSignal, log: (line: string) => void): JobRunner {
  const runner = runJobs(thing, handlers, {
    store: new FileStatusStore(directory), // the default directory is ~/.aws-iot-jobs/outbox
    stepTimeoutInMinutes: 5, // renewed while a handler runs
    signal,
  });
  runner.events.on('started', ({ jobId, resumed }) => log(`${jobId}: ${resumed ? 'resumed' : 'started'}`));
  runner.events.on('progress', ({ jobId, statusDetails }) => log(`${jobId}: progress ${JSON.stringify(statusDetails)}`));
  runner.events.on('finished', ({ jobId, status, fromStore }) => log(`${jobId}: ${status}${fromStore ? ' (sent from the store)' : ''}`));
  runner.events.on('canceled', ({ jobId, reason }) => log(`${jobId}: ${reason.message}`));
  runner.events.on('error', ({ jobId, error }) => log(`${jobId ?? 'runner'}: ${error.message}`));
  return runner;
}
// --- README runner end

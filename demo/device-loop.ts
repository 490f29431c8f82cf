/**
 * The device loop the README teaches: wait for a change, list the jobs,
 * describe each, do the work, report progress and the outcome; for ever,
 * until its AbortSignal fires. The part
 * between the README markers appears verbatim in README.md (a test checks).
 */

// --- README quickstart start
import { Job, Jobs, type Thing } from '../lib/index.js';

/** Works through the thing's jobs for ever, as a device does; returns only when `signal` aborts. */
export async function runDeviceLoop(thing: Thing, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const jobs = new Jobs(thing); // subscribes to notify and notify-next (now, or as soon as the connection is up)
  try {
    while (signal?.aborted !== true) {
      if (!jobs.changed()) { // true at first, then from each change until read here
        await jobs.waitForChange({ timeoutMs: 60_000, signal }); // false after a quiet minute: just loop
        continue;
      }
      let lists: Awaited<ReturnType<typeof jobs.list>>;
      try {
        lists = await jobs.list({ signal });
      } catch (error) {
        // Offline, throttled, a lost reply: jobs re-reads the list by itself and raises changed() once it can.
        log(`list failed: ${(error as Error).message}`);
        continue;
      }
      for (const job of [...lists[0], ...lists[1]]) {
        if (await job.describe({ signal })) await perform(job, log, signal); // job.document, job.status, job.version
        else log(`${job.toString()}: describe failed: ${job.error?.message}`); // a network failure raises changed() again
      }
    }
  } catch (error) {
    if (signal?.aborted !== true) throw error; // e.g. the connection was ended for good
  } finally {
    await jobs.close();
  }
}

/** The work a job's document asks for, reported with update(); no describe needed between updates. */
async function perform(job: Job, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const document = (job.document ?? {}) as { operation?: string; steps?: number; sensor?: string };
  log(`${job.toString()}: ${job.status}, document ${JSON.stringify(document)}`);
  let outcome: [status: typeof Job.SUCCEEDED | typeof Job.FAILED, details: Record<string, string>];
  switch (document.operation) {
    case 'install':
      for (let step = 1; step <= (document.steps ?? 3); step++) {
        const ok = await job.update(Job.IN_PROGRESS, { progress: `${step}/${document.steps ?? 3}` }, { signal });
        log(`${job.toString()}: update IN_PROGRESS ${step}/${document.steps ?? 3} -> ${ok ? `version ${job.version}` : job.error?.message}`);
      }
      outcome = [Job.SUCCEEDED, { result: 'installed' }];
      break;
    case 'reboot':
      outcome = [Job.SUCCEEDED, { result: 'rebooted' }];
      break;
    default:
      outcome = [Job.FAILED, { reason: `sensor ${document.sensor ?? '?'} out of range` }];
  }
  const ok = await job.update(...outcome, { signal }); // a final status rides through a dropped connection
  log(`${job.toString()}: update ${outcome[0]} ${JSON.stringify(outcome[1])} -> ${ok ? `version ${job.version}` : job.error?.message}`);
}
// --- README quickstart end

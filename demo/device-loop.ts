/**
 * The device loop the README teaches: wait for a change, list the jobs,
 * describe each, do the work, report progress and the outcome. The part
 * between the README markers appears verbatim in README.md (a test checks).
 */

// --- README quickstart start
import { Job, Jobs, type Thing } from '../lib/index.js';

/** Works through the thing's jobs; returns when none is pending (a real device would keep waiting). */
export async function runDeviceLoop(thing: Thing, log: (line: string) => void): Promise<void> {
  const jobs = new Jobs(thing); // subscribes to notify and notify-next
  try {
    for (;;) {
      if (jobs.changed()) { // true at first, then once per change
        const [inProgress, queued] = await jobs.list();
        if (inProgress.length + queued.length === 0) return;
        for (const job of [...inProgress, ...queued]) {
          if (await job.describe()) await perform(job, log); // job.document, job.status, job.version
          else log(`${job.toString()}: describe failed: ${job.error?.message}`);
        }
      } else {
        await jobs.waitForChange({ timeoutMs: 60_000 });
      }
    }
  } finally {
    await jobs.close();
  }
}

/** The work a job's document asks for, reported with update(); no describe needed between updates. */
async function perform(job: Job, log: (line: string) => void): Promise<void> {
  const document = job.document as { operation?: string; steps?: number; sensor?: string };
  log(`${job.toString()}: ${job.status}, document ${JSON.stringify(document)}`);
  let outcome: [status: typeof Job.SUCCEEDED | typeof Job.FAILED, details: Record<string, string>];
  switch (document.operation) {
    case 'install':
      for (let step = 1; step <= (document.steps ?? 3); step++) {
        const ok = await job.update(Job.IN_PROGRESS, { progress: `${step}/${document.steps ?? 3}` });
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
  const ok = await job.update(...outcome);
  log(`${job.toString()}: update ${outcome[0]} ${JSON.stringify(outcome[1])} -> ${ok ? `version ${job.version}` : job.error?.message}`);
}
// --- README quickstart end

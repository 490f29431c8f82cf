/**
 * The device loop the README teaches: wait for a change, list the jobs,
 * describe each, do the work, report progress and the outcome.
 */

import { Job, Jobs, type DeviceStatus, type Thing } from '../lib/index.js';

/** What a job's document asks the demo device to do. */
interface DemoDocument {
  operation?: string;
  steps?: number;
  sensor?: string;
}

/** Runs the thing's jobs until none is pending, printing a line per step. */
export async function runDeviceLoop(thing: Thing, log: (line: string) => void): Promise<void> {
  const jobs = new Jobs(thing);
  await jobs.ready;
  try {
    for (;;) {
      if (jobs.changed()) {
        const [inProgress, queued] = await jobs.list();
        if (inProgress.length === 0 && queued.length === 0) return;
        for (const job of [...inProgress, ...queued]) await work(job, log);
      } else {
        await jobs.waitForChange({ timeoutMs: 30_000 });
      }
    }
  } finally {
    await jobs.close();
  }
}

async function work(job: Job, log: (line: string) => void): Promise<void> {
  if (!(await job.describe())) return log(`${job.toString()}: describe failed: ${job.error?.message}`);
  const document = (job.document ?? {}) as DemoDocument;
  log(`${job.toString()}: ${job.status}, document ${JSON.stringify(job.document)}`);
  switch (document.operation) {
    case 'install': {
      const steps = document.steps ?? 3;
      for (let step = 1; step <= steps; step++) {
        await report(job, Job.IN_PROGRESS, { progress: `${step}/${steps}` }, log);
      }
      return report(job, Job.SUCCEEDED, { result: 'installed' }, log);
    }
    case 'reboot':
      return report(job, Job.SUCCEEDED, { result: 'rebooted' }, log);
    case 'self-test':
      return report(job, Job.FAILED, { reason: `sensor ${document.sensor ?? '?'} out of range` }, log);
    default:
      return report(job, Job.FAILED, { reason: `unknown operation ${String(document.operation)}` }, log);
  }
}

async function report(job: Job, status: DeviceStatus, details: Record<string, string>, log: (line: string) => void): Promise<void> {
  const ok = await job.update(status, details);
  log(`${job.toString()}: update ${status} ${JSON.stringify(details)} -> ${ok ? `ok, version ${job.version}` : `failed: ${job.error?.message}`}`);
}

/**
 * 7. The simulator's per-thing indexes (issue 15, item 1): what one thing's
 * device requests cost in the simulator (its device API, no MQTT) when the
 * account holds nothing else, and when it holds N jobs on other things; and
 * what creating those N jobs costs (linear, not quadratic). Interleaved
 * rounds; each figure is the median of the rounds' p50s, with min and max.
 *
 * Run: `tsx --expose-gc bench/simulator-indexes.ts [--tiny]`
 */

import { JobsSimulator } from '../lib/testing/simulator/jobs-simulator.js';
import { benchSize, bySize, fmt, latencyStats, nowMs, printContext, printTable, ratio } from './support/common.js';
import { DOCUMENT } from './support/environment.js';
import { fmtSpread, Runs } from './support/runs.js';

const size = benchSize();
const OTHER_JOBS = bySize(size, 1_000, 100_000);
const ROUNDS = bySize(size, 3, 5);
const BLOCK = bySize(size, 100, 2_000);
const THING = 'measured-thing';
const progress = { step: 'downloading' };

function account(otherJobs: number): { simulator: JobsSimulator; createMs: number } {
  const simulator = new JobsSimulator({ autoCreateThings: true });
  const start = nowMs();
  for (let i = 0; i < otherJobs; i += 1) simulator.createJob({ jobId: `other-${i}`, targets: [`other-thing-${i}`], document: DOCUMENT });
  const createMs = nowMs() - start;
  simulator.createJob({ jobId: 'first', targets: [THING], document: DOCUMENT });
  simulator.createJob({ jobId: 'second', targets: [THING], document: DOCUMENT });
  if (!simulator.startNextPendingJobExecution(THING, {}).ok) throw new Error('start-next failed');
  return { simulator, createMs };
}

const OPERATIONS: ReadonlyArray<readonly [string, (simulator: JobsSimulator) => unknown]> = [
  ['GetPendingJobExecutions', (simulator) => simulator.getPendingJobExecutions(THING, {})],
  ['DescribeJobExecution $next', (simulator) => simulator.describeJobExecutionForDevice(THING, '$next', {})],
  ['UpdateJobExecution (IN_PROGRESS)', (simulator) => simulator.updateJobExecution(THING, 'first', { status: 'IN_PROGRESS', statusDetails: progress })],
];

function block(simulator: JobsSimulator, operation: (simulator: JobsSimulator) => unknown): number {
  const durations: number[] = [];
  for (let i = 0; i < BLOCK; i += 1) {
    const start = nowMs();
    operation(simulator);
    durations.push(nowMs() - start);
  }
  return latencyStats(durations).p50;
}

await printContext('Simulator indexes (device API in process, no MQTT)', size);
// A tenth of the jobs first, on its own (after a small warm-up), for the linearity of CreateJob.
await account(OTHER_JOBS / 100).simulator.close();
const tenth = account(OTHER_JOBS / 10);
await tenth.simulator.close();
const alone = account(0);
const crowded = account(OTHER_JOBS);
const runs = new Runs();
for (const [, operation] of OPERATIONS) {
  block(alone.simulator, operation);
  block(crowded.simulator, operation);
}
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, operation] of OPERATIONS) {
    runs.add(`alone ${name}`, block(alone.simulator, operation));
    runs.add(`crowded ${name}`, block(crowded.simulator, operation));
  }
}

printTable(
  `One thing's request, alone in the account vs with ${fmt(OTHER_JOBS)} jobs on other things: p50 µs, median (min-max) of ${ROUNDS} interleaved rounds of ${fmt(BLOCK)} calls`,
  ['operation', 'alone (µs)', `with ${fmt(OTHER_JOBS)} other jobs (µs)`, 'ratio', 'target'],
  OPERATIONS.map(([name]) => {
    const a = runs.get(`alone ${name}`);
    const c = runs.get(`crowded ${name}`);
    return [name, fmtSpread(a, 1), fmtSpread(c, 1), ratio(c.median, a.median), 'same within noise'];
  }),
);
const perJob = (ms: number, jobs: number): number => (ms * 1000) / jobs;
console.log(
  `\nCreating ${fmt(OTHER_JOBS / 10)} one-thing jobs: ${fmt(perJob(tenth.createMs, OTHER_JOBS / 10), 1)} µs per job; ${fmt(OTHER_JOBS)}: ${fmt(crowded.createMs, 1)} ms, ${fmt(perJob(crowded.createMs, OTHER_JOBS), 1)} µs per job (${ratio(perJob(crowded.createMs, OTHER_JOBS), perJob(tenth.createMs, OTHER_JOBS / 10))} the cost per job at 10x the jobs; target: linear, 1.00x).`,
);

await Promise.all([alone.simulator.close(), crowded.simulator.close()]);

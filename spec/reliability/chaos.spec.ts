/**
 * The model-based chaos test (spec/reliability/chaos.ts): 200 sequences in
 * `npm test`; `npm run chaos` runs 10,000 (CHAOS_RUNS), and CHAOS_SEED
 * replays a failure fast-check reported (it prints the seed, the path and the
 * shrunk command list).
 */
import { expect, test } from '@jest/globals';
import { runChaos, TRACE_DUMP } from './chaos.js';

const runs = Number(process.env.CHAOS_RUNS ?? 200);
const seed = process.env.CHAOS_SEED === undefined ? undefined : Number(process.env.CHAOS_SEED);

test(`a long-lived device survives ${runs} random sequences of jobs and faults`, async () => {
  const started = performance.now();
  const figures = await runChaos(runs, seed, process.env.CHAOS_PATH).finally(() => {
    if (TRACE_DUMP.length > 0) console.log(TRACE_DUMP[0]);
  });
  if (process.env.CHAOS_RUNS !== undefined) {
    console.log(`chaos: ${JSON.stringify(figures)} in ${Math.round(performance.now() - started)} ms`);
  }
  if (process.env.CHAOS_PATH === undefined) expect(figures.sequences).toBeGreaterThanOrEqual(runs);
}, 600_000);

/**
 * Interleaved latency sampling: the operations of one table are measured in
 * alternating blocks, so that a burst of load from elsewhere on the machine
 * falls on all of them rather than on one.
 */

import { latencyStats, sampleSequential, type LatencyStats } from './common.js';

/** One operation to time. */
export interface TimedOperation {
  name: string;
  run: () => Promise<unknown>;
}

/** Sampling plan. */
export interface SamplingPlan {
  /** Unmeasured calls of each operation first. */
  warmup: number;
  /** Blocks per operation. */
  rounds: number;
  /** Calls per block. */
  block: number;
}

/** Times every operation in interleaved blocks; returns the stats by name. */
export async function sampleInterleaved(operations: readonly TimedOperation[], plan: SamplingPlan): Promise<Map<string, LatencyStats>> {
  const samples = new Map<string, number[]>(operations.map((operation) => [operation.name, []]));
  for (const operation of operations) await sampleSequential(operation.run, 0, plan.warmup);
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const operation of operations) samples.get(operation.name)!.push(...(await sampleSequential(operation.run, plan.block, 0)));
  }
  return new Map([...samples].map(([name, durations]) => [name, latencyStats(durations)]));
}

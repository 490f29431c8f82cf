/**
 * Shared helpers of the benchmarks: the size flag, timing, percentiles, heap
 * readings and table printing. Benchmarks print figures; they never assert one.
 */

import { performance } from 'node:perf_hooks';

/** `tiny` (CI: a few seconds, figures meaningless) or `full`. */
export type BenchSize = 'tiny' | 'full';

/** `--tiny` on the command line or `BENCH_SIZE=tiny` selects the CI size. */
export function benchSize(): BenchSize {
  return process.argv.includes('--tiny') || process.env.BENCH_SIZE === 'tiny' ? 'tiny' : 'full';
}

/** Picks the figure for the current size. */
export function bySize<T>(size: BenchSize, tiny: T, full: T): T {
  return size === 'tiny' ? tiny : full;
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}

/** The value at quantile `q` (0..1) of an ascending array (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Latency figures in microseconds. */
export interface LatencyStats {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

/** Summarises durations given in milliseconds as microsecond figures. */
export function latencyStats(durationsMs: readonly number[]): LatencyStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { p50: percentile(sorted, 0.5) * 1000, p99: percentile(sorted, 0.99) * 1000, mean: (sum / sorted.length) * 1000, count: sorted.length };
}

/** Runs `operation` `warmup` times unmeasured, then `iterations` times one after the other; returns each duration (ms). */
export async function sampleSequential(operation: () => Promise<unknown>, iterations: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await operation();
  const durations: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await operation();
    durations.push(performance.now() - start);
  }
  return durations;
}

/** Forces a full collection (needs `--expose-gc`) and returns the used heap in bytes. */
export function settledHeapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (e.g. `tsx --expose-gc bench/<name>.ts`) for heap figures');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** True when `--expose-gc` is on. */
export function gcAvailable(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/** Formats a number with a fixed count of decimals, or `-` for NaN. */
export function fmt(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `1.23x`. */
export function ratio(ours: number, base: number): string {
  return base > 0 && Number.isFinite(ours) ? `${(ours / base).toFixed(2)}x` : '-';
}

/** Prints a Markdown table under a heading. */
export function printTable(title: string, headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(headers));
  console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}

/** Prints the run's context: size, node, cores, load. */
export async function printContext(name: string, size: BenchSize): Promise<void> {
  const os = await import('node:os');
  const load = os.loadavg().map((value) => value.toFixed(2)).join(' ');
  console.log(`\n## ${name} (size ${size}; node ${process.version}; ${os.cpus().length} cores; load ${load})`);
}

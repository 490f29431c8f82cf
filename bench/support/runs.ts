/**
 * Repeated runs: a figure is the median of at least three runs, interleaved
 * with the figures it is compared against, shown with its min and max.
 */

import { fmt } from './common.js';

/** Median, min and max of the runs of one figure. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** The spread of `values` (at least one). */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** `median (min-max)`. */
export function fmtSpread(value: Spread, decimals = 0): string {
  return `${fmt(value.median, decimals)} (${fmt(value.min, decimals)}-${fmt(value.max, decimals)})`;
}

/** `met` / `MISSED` against an upper bound. */
export function verdict(value: number, atMost: number): string {
  return Number.isFinite(value) ? (value <= atMost ? 'met' : 'MISSED') : '-';
}

/** Collects the runs of named figures. */
export class Runs {
  private readonly values = new Map<string, number[]>();

  /** Adds one run's value of `name`. */
  add(name: string, value: number): void {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  /** The spread of `name` (NaN figures when never added). */
  get(name: string): Spread {
    const list = this.values.get(name);
    return list && list.length > 0 ? spread(list) : { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  }
}

/**
 * Sizes of the long tests. `npm test` runs them small, so that they assert
 * the same counts on a loaded 2-core machine; `npm run soak` sets
 * `SOAK=full` and runs them at full size (with a long jest timeout), and
 * prints their figures.
 * @packageDocumentation
 */

/** True under `npm run soak`. */
export const FULL_SIZE = process.env.SOAK === 'full';

/** `full` under `npm run soak`, `quick` in `npm test`. */
export function scaled(full: number, quick: number): number {
  return FULL_SIZE ? full : quick;
}

/** Prints a figure under `npm run soak` only: passing tests are quiet in `npm test`. */
export function report(line: string): void {
  if (FULL_SIZE) process.stdout.write(`${line}\n`);
}

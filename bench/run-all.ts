/**
 * Runs every benchmark, each in its own node process (with --expose-gc for the
 * heap figures), and prints their tables. `--tiny` (or BENCH_SIZE=tiny) runs
 * each at a size that finishes in seconds: CI uses it to keep the scripts
 * working, and asserts no figure.
 *
 * Run: `npm run bench` or `npm run bench:tiny`
 */

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSize, nowMs } from './support/common.js';

const here = dirname(fileURLToPath(import.meta.url));
const size = benchSize();

/** In the issue's order. `peer`: aws-crt may abort at exit (toolchain.md), tolerated once its table is out. */
const SCRIPTS: ReadonlyArray<{ file: string; peer?: true }> = [
  { file: 'library-overhead.ts' },
  { file: 'request-overhead.ts' },
  { file: 'peer-sdk-v2.ts', peer: true },
  { file: 'device-throughput.ts' },
  { file: 'fleet-scale.ts' },
  { file: 'gateway-scale.ts' },
  { file: 'footprint.ts' },
];

/** aws-crt's abort at exit after a streaming operation (toolchain.md). */
const AWS_CRT_EXIT_ABORT = 255;

function runScript(file: string, peer: boolean): Promise<boolean> {
  const args = ['--expose-gc', '--import', 'tsx', join(here, file), ...(size === 'tiny' ? ['--tiny'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_SIZE: size } });
    let printedTable = false;
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('\n### ')) printedTable = true;
      process.stdout.write(text);
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(true);
      if (peer && code === AWS_CRT_EXIT_ABORT && printedTable) {
        console.log(`\n(${file}: aws-crt aborted at exit with ${code} after printing its table; tolerated, see toolchain.md)`);
        return resolve(true);
      }
      console.error(`\n${file} failed: exit code ${String(code)}${signal ? `, signal ${signal}` : ''}`);
      resolve(false);
    });
  });
}

const start = nowMs();
console.log(`# aws-iot-jobs benchmarks (size ${size}, ${new Date().toISOString()})`);
let failed = 0;
for (const { file, peer } of SCRIPTS) if (!(await runScript(file, peer === true))) failed += 1;
console.log(`\n(all benchmarks: ${((nowMs() - start) / 1000).toFixed(1)} s)`);
process.exitCode = failed === 0 ? 0 : 1;

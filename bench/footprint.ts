/**
 * 6. Footprint: the installed size of the runtime dependency tree (files on
 * disk, every package counted once) of this package against
 * aws-iot-device-sdk-v2's, and the time to import each in a fresh node
 * process, with node's own start-up as the baseline. This package is
 * imported from a build of lib/ made into a temporary directory.
 *
 * Run: `tsx bench/footprint.ts [--tiny]`
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSize, bySize, fmt, latencyStats, printContext, printTable, ratio } from './support/common.js';

const size = benchSize();
const IMPORT_RUNS = bySize(size, 2, 15);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = realpathSync(join(root, 'node_modules'));

interface Tree {
  packages: number;
  bytes: number;
  nativeFiles: number;
}

/** Bytes of the files under `dir`, not descending into nested node_modules (those are packages of their own). */
function directoryBytes(dir: string, counts: { native: number }): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path, counts);
    else if (entry.isFile()) {
      total += statSync(path).size;
      if (entry.name.endsWith('.node')) counts.native += 1;
    }
  }
  return total;
}

/** Node's lookup: the nearest node_modules/<name> from `fromDir` upwards. */
function locate(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The runtime dependency tree (dependencies and optional dependencies, not dev or peer) from `names`. */
function dependencyTree(names: readonly string[], fromDir: string, seen = new Set<string>()): Set<string> {
  for (const name of names) {
    const dir = locate(name, fromDir);
    if (dir === undefined || seen.has(dir)) continue;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    dependencyTree([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})], dir, seen);
  }
  return seen;
}

function measureTree(dirs: Iterable<string>, extraBytes = 0): Tree {
  const counts = { native: 0 };
  let bytes = extraBytes;
  let packages = 0;
  for (const dir of dirs) {
    bytes += directoryBytes(dir, counts);
    packages += 1;
  }
  return { packages, bytes, nativeFiles: counts.native };
}

/** Median milliseconds to `import()` `specifier` in a fresh node process (`''`: node alone). */
function importMs(specifier: string, cwd: string): { p50: number; p99: number } {
  const code = specifier === '' ? 'console.log(0)' : `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t); process.exit(0);`;
  const samples: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) {
    const start = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', timeout: 60_000 });
    wall.push(performance.now() - start);
    samples.push(Number(out.trim()));
  }
  const stats = latencyStats(specifier === '' ? wall : samples);
  return { p50: stats.p50 / 1000, p99: stats.p99 / 1000 };
}

await printContext('Footprint', size);

// Our build, in a temporary directory that sees the project's node_modules.
const work = mkdtempSync(join(tmpdir(), 'aws-iot-jobs-footprint-'));
try {
  const tsc = join(nodeModules, 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(work, 'dist'), '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], {
    stdio: 'inherit',
  });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'footprint', type: 'module', private: true }));
  symlinkSync(nodeModules, join(work, 'node_modules'), 'dir');

  const ownManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const oursBuild = measureTree([], directoryBytes(join(work, 'dist'), { native: 0 }));
  const ours = measureTree(dependencyTree(Object.keys(ownManifest.dependencies), root), oursBuild.bytes);
  const theirs = measureTree(dependencyTree(['aws-iot-device-sdk-v2'], root));
  const mb = (bytes: number): string => fmt(bytes / 1e6, 2);
  printTable(
    'Installed size of the runtime dependency tree (files on disk)',
    ['package', 'packages', 'MB', 'native .node files', 'ratio to ours'],
    [
      [`aws-iot-jobs (build ${mb(oursBuild.bytes)} MB + ${Object.keys(ownManifest.dependencies).join(', ')})`, fmt(ours.packages), mb(ours.bytes), fmt(ours.nativeFiles), '1.00x'],
      ['aws-iot-device-sdk-v2', fmt(theirs.packages), mb(theirs.bytes), fmt(theirs.nativeFiles), ratio(theirs.bytes, ours.bytes)],
    ],
  );

  const baseline = importMs('', work);
  const oursImport = importMs(join(work, 'dist', 'index.js'), work);
  const asyncMqttImport = importMs('async-mqtt', work);
  const theirsImport = importMs('aws-iot-device-sdk-v2', work);
  printTable(
    `Import time in a fresh node process, ${IMPORT_RUNS} processes each (ms)`,
    ['import', 'p50', 'p99', 'ratio to ours'],
    [
      ['node start-up alone (wall, for scale)', fmt(baseline.p50, 1), fmt(baseline.p99, 1), '-'],
      ['aws-iot-jobs (dist/index.js)', fmt(oursImport.p50, 1), fmt(oursImport.p99, 1), '1.00x'],
      ['  of which async-mqtt alone', fmt(asyncMqttImport.p50, 1), fmt(asyncMqttImport.p99, 1), ratio(asyncMqttImport.p50, oursImport.p50)],
      ['aws-iot-device-sdk-v2', fmt(theirsImport.p50, 1), fmt(theirsImport.p99, 1), ratio(theirsImport.p50, oursImport.p50)],
    ],
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

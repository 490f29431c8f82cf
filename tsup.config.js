/**
 * The build: one ESM and one CommonJS copy of each entry, made by tsup
 * (esbuild), with declarations for both (`.d.ts` beside `.js`, `.d.cts` beside
 * `.cjs`). Code shared by the entries lives in chunks, so each format holds one
 * copy of every class (`JobsError` from the main entry is the one
 * `aws-iot-jobs/testing` throws).
 *
 * The CommonJS copy inlines the ESM-only dependencies, p-timeout, cborg and aedes:
 * Node >= 20.19 can `require()` them, but jest's own module loader cannot on
 * Node 20 (it supports `require(esm)` from Node 24.9), and most jest suites are
 * CommonJS. aedes's own dependencies are CommonJS and stay external.
 *
 * `shims` turns `import.meta.url` into a `__filename` URL in the CommonJS copy,
 * so that no `import.meta` is left in it. No source maps ship: the tarball has
 * no sources for them to point to.
 */
import { defineConfig } from 'tsup';

const entry = {
  index: 'lib/index.ts',
  'protocol/index': 'lib/protocol/index.ts',
  'testing/index': 'lib/testing/index.ts',
  'server/cli': 'lib/server/cli.ts',
};

// tsup's declaration bundler sets `baseUrl`, which TypeScript 6 deprecates.
const dts = { compilerOptions: { ignoreDeprecations: '6.0' } };

const { 'server/cli': _bin, ...cjsEntry } = entry;

const common = {
  entry,
  outDir: 'dist',
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: false,
  treeshake: false,
  tsconfig: 'tsconfig.build.json',
};

export default defineConfig([
  { ...common, format: ['esm'], clean: true, dts },
  // The bin is ESM only: nothing requires it.
  { ...common, entry: cjsEntry, format: ['cjs'], shims: true, dts, noExternal: ['p-timeout', 'cborg', 'aedes'] },
]);

// Consumer tests: packs the built package (run `npm run build` first), installs
// the tarball in temporary projects (from the npm cache when it can) and runs a
// real test in each — the in-memory broker and the simulator, through the
// package's public entries — in the setups people have:
//
//   ts-jest default preset (CommonJS), TypeScript 5, moduleResolution node
//   ts-jest ESM preset (default-esm), TypeScript 6, nodenext
//   plain JavaScript jest, CommonJS (require) and ESM (import)
//   plain node scripts, .cjs and .mjs
//   tsc --noEmit with TypeScript 5 and 6 under node/node10, node16, nodenext, bundler
//
// The ts-jest suites run the README's "Testing device code" example verbatim.
// Two installs (one per TypeScript major) hold every consumer as a subfolder.
// Prints one line per consumer; exits 1 if any failed. `--keep` keeps the
// temporary folder.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const files = fileURLToPath(new URL('./files', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const devVersion = (name) => pkg.devDependencies[name];
const keep = process.argv.includes('--keep');
const started = Date.now();

const work = mkdtempSync(join(tmpdir(), 'aws-iot-jobs-consumers-'));
const results = [];
try {
  const { stdout } = await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: root });
  const tarball = join(work, stdout.trim().split('\n').pop());

  const readmeTest = readmeTestingExample();
  const roots = {
    ts5: { typescript: '~5.9.3', consumers: [] },
    ts6: { typescript: devVersion('typescript'), consumers: [] },
    // The package alone: no aedes (an optional peer dependency), no jest, no TypeScript.
    bare: { bare: true, consumers: [] },
  };

  // ---- TypeScript 5 install
  roots.ts5.consumers.push(
    consumer('ts-jest default preset (CommonJS), TS 5, moduleResolution node', 'ts-jest-cjs', 'commonjs', {
      'jest.config.js': "module.exports = { preset: 'ts-jest', testEnvironment: 'node' };\n",
      'tsconfig.json': tsconfig({ module: 'commonjs', moduleResolution: 'node', types: ['node', 'jest'] }),
      'device.test.ts': readmeTest,
    }, jest()),
    consumer('plain JS jest, CommonJS require()', 'js-jest-cjs', 'commonjs', {
      'jest.config.js': "module.exports = { testEnvironment: 'node' };\n",
      'device.test.js': read('device.test.cjs'),
    }, jest()),
    consumer('node script .cjs', 'node-cjs', 'commonjs', { 'script.cjs': read('script.cjs') }, ['node', 'script.cjs']),
    consumer('node script .mjs', 'node-mjs', 'module', { 'script.mjs': read('script.mjs') }, ['node', 'script.mjs']),
    ...typeChecks('TS 5', [
      ['node', 'commonjs', { module: 'commonjs', moduleResolution: 'node' }],
      ['node16 (CJS)', 'commonjs', { module: 'node16', moduleResolution: 'node16' }],
      ['node16 (ESM)', 'module', { module: 'node16', moduleResolution: 'node16' }],
      ['nodenext (ESM)', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }],
      ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }],
    ]),
  );

  // ---- TypeScript 6 install
  roots.ts6.consumers.push(
    consumer('ts-jest ESM preset (default-esm), TS 6, nodenext', 'ts-jest-esm', 'module', {
      'jest.config.js': "export default { preset: 'ts-jest/presets/default-esm', testEnvironment: 'node' };\n",
      'tsconfig.json': tsconfig({ module: 'nodenext', moduleResolution: 'nodenext', types: ['node', 'jest'] }),
      'device.test.ts': readmeTest,
    }, jest({ esm: true })),
    consumer('plain JS jest, ESM import', 'js-jest-esm', 'module', {
      'jest.config.js': "export default { testEnvironment: 'node' };\n",
      'device.test.js': read('device.test.mjs'),
    }, jest({ esm: true })),
    ...typeChecks('TS 6', [
      ['node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' }],
      ['node16 (CJS)', 'commonjs', { module: 'node16', moduleResolution: 'node16' }],
      ['nodenext (ESM)', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }],
      ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }],
    ]),
  );

  roots.bare.consumers.push(
    consumer('aws-iot-jobs-sim without aedes (one-line hint; --attach needs no aedes)', 'cli-bare', 'module', {
      'check.mjs': read('cli-without-aedes.mjs'),
    }, ['node', 'check.mjs']),
  );

  // The installs at once: they mostly wait on the cache and the disk.
  await Promise.all(
    Object.entries(roots).map(async ([name, { typescript, bare, consumers }]) => {
      const dir = join(work, name);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: `consumers-${name}`,
          private: true,
          devDependencies: bare ? { 'aws-iot-jobs': `file:${tarball}` } : {
            'aws-iot-jobs': `file:${tarball}`,
            aedes: devVersion('aedes'),
            jest: devVersion('jest'),
            'ts-jest': devVersion('ts-jest'),
            '@jest/globals': devVersion('@jest/globals'),
            '@types/jest': devVersion('@types/jest'),
            '@types/node': devVersion('@types/node'),
            typescript,
          },
        }, null, 2),
      );
      const t0 = Date.now();
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 1 << 24 });
      console.log(`consumers: npm install (${name}) ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const c of consumers) c.write(dir);
    }),
  );

  // Two consumers at a time (2 cores); results print in the order they finish.
  const queue = Object.entries(roots).flatMap(([name, { consumers }]) => consumers.map((c) => ({ c, cwd: join(work, name, c.folder) })));
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { c, cwd } = next;
      const t0 = Date.now();
      let result;
      try {
        await run(c.command[0], c.command.slice(1), { cwd, env: { ...process.env, ...c.env }, maxBuffer: 1 << 24, timeout: 180_000 });
        result = { label: c.label, ok: true, seconds: (Date.now() - t0) / 1000 };
      } catch (error) {
        result = { label: c.label, ok: false, seconds: (Date.now() - t0) / 1000, output: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || String(error) };
      }
      results.push(result);
      console.log(`consumers: ${result.ok ? 'PASS' : 'FAIL'} ${result.label} (${result.seconds.toFixed(1)} s)`);
      if (!result.ok) console.log(result.output.split('\n').slice(0, 60).map((line) => `    ${line}`).join('\n'));
    }
  };
  await Promise.all([worker(), worker()]);
} finally {
  if (keep) console.log(`consumers: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`consumers: ${results.length - failed}/${results.length} passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failed > 0 || results.length === 0) process.exitCode = 1;

// ---------------------------------------------------------------- helpers

function read(name) {
  return readFileSync(join(files, name), 'utf8');
}

/** The README's first ```ts block under "Testing device code with the Jobs simulator". */
function readmeTestingExample() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Testing device code with the Jobs simulator\n')[1];
  const block = section?.split('```ts\n')[1]?.split('```')[0];
  if (!block || !block.includes("from 'aws-iot-jobs/testing'")) throw new Error('README.md: no testing example found');
  return block;
}

function tsconfig(compilerOptions, extra = {}) {
  return `${JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, ...compilerOptions }, ...extra }, null, 2)}\n`;
}

function jest({ esm = false } = {}) {
  return { command: ['node', ...(esm ? ['--experimental-vm-modules'] : []), '../node_modules/jest/bin/jest.js', '--ci', '--silent'], env: {} };
}

function consumer(label, folder, type, fileMap, command) {
  const { command: argv, env } = Array.isArray(command) ? { command, env: {} } : command;
  return {
    label,
    folder,
    command: argv,
    env,
    write(dir) {
      const target = join(dir, folder);
      mkdirSync(target);
      writeFileSync(join(target, 'package.json'), JSON.stringify({ name: folder, private: true, type }));
      for (const [name, text] of Object.entries(fileMap)) writeFileSync(join(target, name), text);
    },
  };
}

function typeChecks(ts, setups) {
  return setups.map(([resolution, type, options]) => {
    const folder = `types-${ts.replace(' ', '')}-${resolution.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.replace(/-$/, '');
    return consumer(`tsc ${ts}, moduleResolution ${resolution}`, folder, type, {
      'tsconfig.json': tsconfig({ ...options, types: ['node'] }, { files: ['types.ts'] }),
      'types.ts': read('types.ts'),
    }, ['node', '../node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  });
}

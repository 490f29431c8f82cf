/**
 * The import rules of lib/ (design.md, "Layout"): one way only,
 * protocol -> mqtt -> client -> face (jobs, job, thing) -> runner / commands;
 * the simulator and the server build on protocol and the test broker, never on
 * the client. `npm test` runs `depcruise` with this file.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import circles, type-only ones included.', from: {}, to: { circular: true } },
    {
      name: 'protocol-is-ground-floor',
      severity: 'error',
      comment: 'protocol/ is pure: it imports only itself, errors.ts and util/.',
      from: { path: '^lib/protocol/' },
      to: { path: '^lib/', pathNot: ['^lib/protocol/', '^lib/errors\\.ts$', '^lib/util/'] },
    },
    {
      name: 'errors-import-no-protocol-values',
      severity: 'error',
      comment: 'errors.ts may name protocol types, never import protocol values.',
      from: { path: '^lib/errors\\.ts$' },
      to: { path: '^lib/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'util-is-ground-floor',
      severity: 'error',
      from: { path: '^lib/util/' },
      to: { path: '^lib/', pathNot: ['^lib/util/', '^lib/errors\\.ts$'] },
    },
    {
      name: 'mqtt-below-client',
      severity: 'error',
      comment: 'The connection port knows nothing of Jobs.',
      from: { path: '^lib/mqtt/' },
      to: { path: '^lib/', pathNot: ['^lib/mqtt/', '^lib/protocol/', '^lib/errors\\.ts$', '^lib/util/'] },
    },
    {
      name: 'client-below-face',
      severity: 'error',
      comment: 'The engine never imports the Zerynth face, the runner, commands, the simulator or the server.',
      from: { path: '^lib/client/' },
      to: { path: '^lib/', pathNot: ['^lib/client/', '^lib/mqtt/', '^lib/protocol/', '^lib/errors\\.ts$', '^lib/util/'] },
    },
    {
      name: 'face-below-runner',
      severity: 'error',
      from: { path: '^lib/[^/]+\\.ts$', pathNot: '^lib/index\\.ts$' },
      to: { path: '^lib/(runner|commands|testing|server)/' },
    },
    {
      name: 'simulator-never-imports-client',
      severity: 'error',
      comment: 'The simulator and the server speak the protocol; they never reuse the device client.',
      from: { path: '^lib/(testing|server)/' },
      to: { path: '^lib/(client|runner|commands)/|^lib/(jobs|job|thing|thing-lock|thing-router|retry|times)\\.ts$' },
    },
    {
      name: 'device-code-never-imports-testing',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/(testing|server)/' },
      to: { path: '^lib/(testing|server)/' },
    },
    {
      name: 'lib-never-imports-tests',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(spec|bench|demo|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

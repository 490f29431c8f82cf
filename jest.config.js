/** Jest in ESM mode: ts-jest compiles, `npm run typecheck` reports type errors. */

// Passing tests print nothing: the AWS SDK v3 (the interop specs) warns on every run that it will need Node 22 from 2027.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/spec/**/*.spec.ts'],
  // CI runs on 2 cores with mosquitto and jest's workers side by side: room for load, not for hangs.
  testTimeout: 20_000,
};

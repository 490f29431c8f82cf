/** Jest in ESM mode: ts-jest compiles, `npm run typecheck` reports type errors. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/spec/**/*.spec.ts'],
  // CI runs on 2 cores with mosquitto and jest's workers side by side: room for load, not for hangs.
  testTimeout: 20_000,
};

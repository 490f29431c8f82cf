/**
 * Jest for the aws-iot-device-sdk-v2 interop tests only (`spec/**\/*.sdkv2.ts`).
 * They run in their own invocation with --forceExit: aws-crt aborts or hangs
 * at exit after a streaming operation (toolchain.md). `npm run jest` does not
 * match these files.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/spec/**/*.sdkv2.ts'],
};

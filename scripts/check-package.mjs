// Proves that the built package (dist/) loads through its exports map, with
// `import` from ESM and with `require()` from CommonJS (Node >= 20.19).
// Run after `npm run build`; the package imports itself by name.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);

const esm = await import('aws-iot-jobs');
const esmTesting = await import('aws-iot-jobs/testing');
const esmProtocol = await import('aws-iot-jobs/protocol');
const cjs = require('aws-iot-jobs');
const cjsTesting = require('aws-iot-jobs/testing');
const cjsProtocol = require('aws-iot-jobs/protocol');

for (const [how, main, testing, protocol] of [['import', esm, esmTesting, esmProtocol], ['require', cjs, cjsTesting, cjsProtocol]]) {
  assert.equal(typeof protocol.getPendingTopic, 'function', `${how}: getPendingTopic`);
  assert.equal(protocol.getPendingTopic('t'), '$aws/things/t/jobs/get', `${how}: topics work`);
  assert.equal(typeof main.Jobs, 'function', `${how}: Jobs`);
  assert.equal(typeof main.JobsError, 'function', `${how}: JobsError`);
  assert.equal(typeof testing.createInMemoryBroker, 'function', `${how}: testing.createInMemoryBroker`);
}
assert.equal(esm.JobsError, cjs.JobsError, 'import and require share one module instance');
console.log('package exports: import and require() both load aws-iot-jobs, aws-iot-jobs/protocol and aws-iot-jobs/testing from dist/');

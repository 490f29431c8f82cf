// Proves that the built package (dist/) loads through its exports map, with
// `import` (the ESM copy) and with `require()` (the CommonJS copy), and that
// the CommonJS copy holds no `import.meta`. Run after `npm run build`; the
// package imports itself by name.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { URL } from 'node:url';

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
  assert.equal(main.encodeUpdateRequest, undefined, `${how}: encoders are not in the main entry`);
  assert.equal(typeof testing.createInMemoryBroker, 'function', `${how}: testing.createInMemoryBroker`);
}
assert.equal(require.resolve('aws-iot-jobs').endsWith('.cjs'), true, 'require() resolves the CommonJS copy');

const dist = new URL('../dist/', import.meta.url);
const cjsFiles = readdirSync(dist, { recursive: true }).filter((name) => String(name).endsWith('.cjs'));
assert.ok(cjsFiles.length > 0, 'dist holds CommonJS files');
for (const name of cjsFiles) {
  assert.doesNotMatch(readFileSync(new URL(String(name), dist), 'utf8'), /import\.meta/, `${String(name)} holds no import.meta`);
}
const maps = readdirSync(dist, { recursive: true }).filter((name) => String(name).endsWith('.map'));
assert.deepEqual(maps, [], 'no source maps ship (the tarball has no sources)');
console.log(`package exports: import and require() both load aws-iot-jobs, /protocol and /testing; ${cjsFiles.length} .cjs files hold no import.meta; no source maps`);

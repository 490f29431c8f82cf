// `aws-iot-jobs-sim` installed without the optional peer dependency aedes:
// the embedded broker says in one line how to install it; --attach and --help
// do not need it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = '../node_modules/.bin/aws-iot-jobs-sim';
const outcome = (args) => run(bin, args, { timeout: 30_000 }).then((r) => ({ code: 0, ...r }), (e) => e);

await assert.rejects(import('aedes'), 'aedes is not installed here');
assert.match((await outcome(['--help'])).stdout, /^Usage: aws-iot-jobs-sim/);

const embedded = await outcome(['--mqtt-port', '0', '--http-port', '0']);
assert.equal(embedded.code, 1);
assert.equal(
  embedded.stderr,
  'aws-iot-jobs-sim: cannot start the embedded MQTT broker: the optional peer dependency aedes is not installed; install it with npm install --save-dev aedes@^1.2.0, or serve an external broker with --attach mqtt://HOST:PORT\n',
);

// --attach gets as far as connecting to its broker (none listens on this port): no word of aedes.
const probe = createServer();
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
const { port } = probe.address();
await new Promise((resolve) => probe.close(resolve));
const attached = await outcome(['--attach', `mqtt://127.0.0.1:${port}`, '--http-port', '0']);
assert.equal(attached.code, 1);
assert.equal(attached.stderr.trim().split('\n').length, 1, `one line: ${attached.stderr}`);
assert.match(attached.stderr, /ECONNREFUSED/);
assert.doesNotMatch(attached.stderr, /aedes/);
console.log('cli without aedes: one-line install hint; --attach and --help work');

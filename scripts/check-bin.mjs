// Proves that the built bin (dist/server/cli.js) starts with a shebang and
// runs under plain node: `--help` prints the usage and exits 0.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bin = pkg.bin?.['aws-iot-jobs-sim'];
assert.equal(bin, './dist/server/cli.js', 'package.json bin names aws-iot-jobs-sim');
const path = new URL(`../${bin}`, import.meta.url);
assert.ok(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n'), `${bin} starts with #!/usr/bin/env node`);
const help = execFileSync(process.execPath, [fileURLToPath(path), '--help'], { encoding: 'utf8' });
assert.match(help, /^Usage: aws-iot-jobs-sim/, 'cli.js --help prints the usage');
console.log(`bin: ${bin} has its shebang and runs --help`);

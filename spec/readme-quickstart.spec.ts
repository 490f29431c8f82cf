import { expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';

test('README.md shows the demo device loop verbatim', async () => {
  const source = await readFile(new URL('../demo/device-loop.ts', import.meta.url), 'utf8');
  const loop = source
    .split('// --- README quickstart start\n')[1]!
    .split('// --- README quickstart end')[0]!
    .replace("'../lib/index.js'", "'aws-iot-jobs'");
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  expect(loop).toContain('new Jobs(thing)');
  expect(readme).toContain('```ts\n' + loop + '```');
});

test("README.md's first screen gives the demo and test commands", async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const firstScreen = readme.split('\n').slice(0, 15).join('\n');
  expect(firstScreen).toContain('npm ci && npm run demo');
  expect(firstScreen).toContain('npm ci && npm test');
});

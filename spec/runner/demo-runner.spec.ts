/**
 * `npm run demo -- --runner` runs demo/runner.ts: it must show a firmware job
 * with progress, a job canceled while it runs, and a final status kept
 * across a simulated restart.
 */
import { expect, jest, test } from '@jest/globals';

test('the runner demo shows progress, a cancel while running, and a status kept across a restart', async () => {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    await import('../../demo/runner.js');
  } finally {
    log.mockRestore();
  }
  const text = lines.join('\n');
  expect(text).toContain('firmware-4-2: progress {"downloaded":"1/5"}');
  expect(text).toContain('service: firmware-4-2 SUCCEEDED {"installed":"4.2.0","resumed":"false"}; firmware-4-3 CANCELED');
  expect(text).toContain('firmware-4-3: job firmware-4-3 is CANCELED at the service');
  expect(text).toContain('kept on disk: firmware-4-4.json; service: IN_PROGRESS');
  expect(text).toContain('firmware-4-4: SUCCEEDED (sent from the store)');
  expect(text).toContain('left on disk: 0 file(s)');
});

/**
 * The user's jest test shown in docs-fragments/simulator.md, verbatim except
 * for the import path (the README imports from 'aws-iot-jobs/testing').
 */
// --- README example start
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { createTestEnvironment, type TestEnvironment } from '../../../lib/testing/index.js';

/** The device code under test: runs every job it is given, then stops when none is left. */
async function runJobs(client: AsyncMqttClient, thingName: string): Promise<string[]> {
  const root = `$aws/things/${thingName}/jobs`;
  const done: string[] = [];
  const replies = new Map<string, (payload: unknown) => void>();
  client.on('message', (_topic: string, payload: Buffer) => {
    const message = JSON.parse(payload.toString()) as { clientToken?: string };
    if (message.clientToken) replies.get(message.clientToken)?.(message);
  });
  let token = 0;
  const request = <T>(topic: string, body: object): Promise<T> =>
    new Promise((resolve) => {
      const clientToken = `${thingName}-${++token}`;
      replies.set(clientToken, (payload) => resolve(payload as T));
      void client.publish(topic, JSON.stringify({ ...body, clientToken }));
    });
  for (;;) {
    const { execution } = await request<{ execution?: { jobId: string; jobDocument: { action: string } } }>(`${root}/start-next`, {});
    if (!execution) return done;
    const ok = execution.jobDocument.action === 'reboot'; // the "work"
    await request(`${root}/${execution.jobId}/update`, { status: ok ? 'SUCCEEDED' : 'FAILED' });
    done.push(execution.jobId);
  }
}

let env: TestEnvironment;
beforeEach(async () => {
  env = await createTestEnvironment({ autoCreateThings: true });
});
afterEach(() => env.close());

test('the device runs the queued job to SUCCEEDED', async () => {
  env.simulator.createJob({ jobId: 'reboot-1', targets: ['sensor-7'], document: JSON.stringify({ action: 'reboot' }) });

  const device = await env.connect({ clientId: 'sensor-7' });
  expect(await runJobs(device, 'sensor-7')).toEqual(['reboot-1']);

  const { execution } = env.simulator.describeJobExecution({ jobId: 'reboot-1', thingName: 'sensor-7' });
  expect(execution.status).toBe('SUCCEEDED');
  expect(env.simulator.describeJob({ jobId: 'reboot-1' }).job.status).toBe('COMPLETED');
});
// --- README example end

test('docs-fragments/simulator.md shows this very code', async () => {
  const { readFile } = await import('node:fs/promises');
  const spec = await readFile(new URL(import.meta.url), 'utf8');
  const code = spec.split('// --- README example start\n')[1]!.split('// --- README example end')[0]!.replace("'../../../lib/testing/index.js'", "'aws-iot-jobs/testing'");
  const doc = await readFile(new URL('../../../docs-fragments/simulator.md', import.meta.url), 'utf8');
  expect(doc).toContain('```ts\n' + code + '```');
});

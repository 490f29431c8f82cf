/**
 * The Commands examples of README.md: the jest example below, verbatim except
 * for the import paths, and the device code of demo/commands-device.ts.
 */
// --- README commands test start
import { expect, test } from '@jest/globals';
import { Commands, Thing } from '../../lib/index.js';
import { createTestEnvironment } from '../../lib/testing/index.js';
import { serveCommands } from '../../demo/commands-device.js';

test('the device opens the valve a command asks for, and GetCommandExecution shows the result', async () => {
  const env = await createTestEnvironment();
  try {
    const { commands } = env.simulator; // the AWS IoT Commands service, same account and clock
    env.simulator.createThing({ thingName: 'valve-7' });
    const connection = await env.connect({ clientId: 'valve-7' });
    const device = new Commands(new Thing('valve-7', connection), { executionTimeoutMs: 10_000 });
    await device.ready; // commands started before the device subscribed would be lost, as on AWS
    const served = serveCommands(device, () => undefined, 2);

    const { commandArn } = commands.createCommand({
      commandId: 'open-valve',
      payload: { content: new TextEncoder().encode('{"action":"open","valve":"A"}'), contentType: 'application/json' },
    });
    const { commandArn: bogus } = commands.createCommand({ commandId: 'dance', payload: { content: new TextEncoder().encode('dance'), contentType: 'text/plain' } });
    const targetArn = commands.thingArn('valve-7');
    const statuses: string[] = []; // the $aws/events/commandExecution/<commandId>/<status> events
    commands.on('event', ({ payload }) => statuses.push(payload.status));

    const opened = commands.startCommandExecution({ commandArn, targetArn, executionTimeoutSeconds: 10 });
    await new Promise<void>((resolve) => commands.on('event', ({ payload }) => payload.executionId === opened.executionId && payload.status === 'SUCCEEDED' && resolve()));
    const danced = commands.startCommandExecution({ commandArn: bogus, targetArn });
    await served;
    await device.close();

    expect(commands.getCommandExecution({ ...opened, targetArn, includeResult: true })).toMatchObject({
      status: 'SUCCEEDED',
      result: { valve: { S: 'A' }, open: { B: true } },
    });
    expect(commands.getCommandExecution({ ...danced, targetArn })).toMatchObject({
      status: 'REJECTED',
      statusReason: { reasonCode: 'UNKNOWN_ACTION', reasonDescription: 'dance' },
    });
    expect(statuses).toEqual(['CREATED', 'IN_PROGRESS', 'SUCCEEDED', 'CREATED', 'REJECTED']);
  } finally {
    await env.close();
  }
});
// --- README commands test end

test('README.md shows the Commands device code and this test verbatim', async () => {
  const { readFile } = await import('node:fs/promises');
  const between = (text: string, start: string, end: string): string => text.split(`${start}\n`)[1]!.split(end)[0]!;
  const device = between(await readFile(new URL('../../demo/commands-device.ts', import.meta.url), 'utf8'), '// --- README commands start', '// --- README commands end').replace(
    "'../lib/index.js'",
    "'aws-iot-jobs'",
  );
  const jest = between(await readFile(new URL(import.meta.url), 'utf8'), '// --- README commands test start', '// --- README commands test end')
    .replace("'../../lib/index.js'", "'aws-iot-jobs'")
    .replace("'../../lib/testing/index.js'", "'aws-iot-jobs/testing'")
    .replace("'../../demo/commands-device.js'", "'./commands-device.js'");
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain('```ts\n' + device + '```');
  expect(readme).toContain('```ts\n' + jest + '```');
});

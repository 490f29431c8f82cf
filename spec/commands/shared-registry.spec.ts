/**
 * Jobs and Commands on one connection share its subscription registry: both
 * sets of filters count against the same quota, and closing one face never
 * unsubscribes what the other still uses.
 */
import { afterEach, expect, test } from '@jest/globals';
import { Commands } from '../../lib/commands/commands.js';
import { SubscriptionRegistry } from '../../lib/client/subscription-registry.js';
import { Jobs } from '../../lib/jobs.js';
import { Thing } from '../../lib/thing.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

test('a device with Jobs and Commands: one registry, and closing Commands leaves the Jobs filters in place', async () => {
  env = await createTestEnvironment();
  env.simulator.createThing({ thingName: 'dev-1' });
  const connection = await env.connect({ clientId: 'dev-1' });
  const thing = new Thing('dev-1', connection);
  const jobs = new Jobs(thing);
  const commands = new Commands(thing, { formats: ['json'] });
  await Promise.all([jobs.ready, commands.ready]);
  const registry = SubscriptionRegistry.for(connection);
  // Jobs: six filters for the thing; Commands: JSON requests and JSON replies.
  expect(registry.count).toBe(6 + 2);
  expect(jobs.client.subscriptionCount).toBe(8);
  await commands.close();
  expect(registry.count).toBe(6);
  // Jobs still hears its notifications.
  const changed = jobs.waitForChange({ timeoutMs: 5_000 });
  env.simulator.createJob({ jobId: 'j1', targets: ['dev-1'], document: '{}' });
  await expect(changed).resolves.not.toThrow();
  await jobs.close();
  expect(registry.count).toBe(0);
});

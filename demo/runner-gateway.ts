/**
 * The gateway example of the README's "Job runner" section: one runner per
 * thing, all on one connection, in the wildcard subscription mode (six
 * subscriptions in all). spec/runner/gateway.spec.ts runs it with 100 things.
 */

// --- README gateway start
import { JobsClient, MemoryStatusStore, Thing, runJobs, type JobHandlers, type JobRunner, type MqttConnection } from '../lib/index.js';

/** Runs every thing's jobs over one connection; `await Promise.all(runners.map((r) => r.stop()))` ends them. */
export function runGateway(connection: MqttConnection, thingNames: string[], handlers: JobHandlers): JobRunner[] {
  const client = JobsClient.for(connection, { subscriptions: 'wildcard' }); // 6 filters, whatever the number of things
  const store = new MemoryStatusStore(); // or one FileStatusStore: it keeps one directory per thing
  return thingNames.map((thingName) => runJobs(new Thing(thingName, connection), handlers, { client, store }));
}
// --- README gateway end

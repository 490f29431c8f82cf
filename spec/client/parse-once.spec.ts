/**
 * Each reply is parsed once: the client reads the clientToken from, and
 * decodes the reply from, one parsed object (issue 11: it used to parse every
 * reply twice, up to 128 KiB each time).
 */
import { afterEach, expect, jest, test } from '@jest/globals';
import { JobsClient } from '../../lib/client/jobs-client.js';
import type { MessageListener, MqttConnection } from '../../lib/mqtt/connection.js';

/** Answers every request with an accepted describe reply built without JSON.parse. */
function echoConnection(): MqttConnection {
  const listeners = new Set<MessageListener>();
  return {
    connected: true,
    on: (event: string, listener: MessageListener) => (event === 'message' ? listeners.add(listener) : undefined),
    off: (event: string, listener: MessageListener) => (event === 'message' ? listeners.delete(listener) : undefined),
    subscribe: (filters: string | string[]) => Promise.resolve((Array.isArray(filters) ? filters : [filters]).map((topic) => ({ topic, qos: 1 }))),
    unsubscribe: () => Promise.resolve(undefined),
    publish: (topic: string, payload: string | Buffer) => {
      const clientToken = /"clientToken":"([^"]+)"/.exec(payload.toString())![1]!;
      const reply = Buffer.from(
        JSON.stringify({
          execution: { jobId: 'job-1', status: 'IN_PROGRESS', queuedAt: 1, lastUpdatedAt: 2, versionNumber: 3, executionNumber: 1, jobDocument: { big: 'x'.repeat(1000) } },
          timestamp: 4,
          clientToken,
        }),
      );
      queueMicrotask(() => listeners.forEach((listener) => listener(`${topic}/accepted`, reply)));
      return Promise.resolve(undefined);
    },
  } as MqttConnection;
}

afterEach(() => {
  jest.restoreAllMocks();
});

test('a describe reply is JSON-parsed exactly once', async () => {
  const client = new JobsClient(echoConnection());
  await client.watch('thing-1');
  const parse = jest.spyOn(JSON, 'parse');
  const reply = await client.describeJobExecution('thing-1', 'job-1');
  expect(reply.execution?.versionNumber).toBe(3);
  expect(parse).toHaveBeenCalledTimes(1);
  await client.close();
});

/**
 * AWS IoT Core's subscription quotas on the in-process broker: 50
 * subscriptions per connection (SUBACK 0x80 past it) and 8 filters per
 * SUBSCRIBE (the connection is closed past it); configurable, and off with
 * `subscriptionQuotas: false`.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { createTestEnvironment, type TestEnvironment } from '../../../lib/testing/test-environment.js';
import type { JobsSimulatorOptions } from '../../../lib/testing/simulator/jobs-simulator.js';
import { notifyTopic } from '../../../lib/protocol/topics.js';

const envs: TestEnvironment[] = [];
afterEach(async () => {
  for (const env of envs.splice(0)) await env.close();
});

async function client(options: JobsSimulatorOptions = {}): Promise<AsyncMqttClient> {
  const env = await createTestEnvironment(options);
  envs.push(env);
  return env.connect({ clientId: 'gateway-1' });
}

/** Subscribes `count` things' notify topics, 8 filters per SUBSCRIBE (as AWS allows); returns the granted QoS of each. */
async function subscribeThings(connection: AsyncMqttClient, from: number, count: number): Promise<number[]> {
  const granted: number[] = [];
  for (let i = from; i < from + count; i += 8) {
    const filters = Array.from({ length: Math.min(8, from + count - i) }, (_, k) => notifyTopic(`thing-${i + k}`));
    for (const grant of await connection.subscribe(filters, { qos: 1 })) granted.push(grant.qos);
  }
  return granted;
}

describe('subscriptions per connection (AWS default 50, adjustable)', () => {
  test('the 51st subscription of a connection gets SUBACK 0x80; a re-subscribe does not count again', async () => {
    const connection = await client();
    const granted = await subscribeThings(connection, 0, 56);
    expect(granted.slice(0, 50)).toEqual(Array(50).fill(1));
    expect(granted.slice(50)).toEqual(Array(6).fill(128));
    expect(connection.connected).toBe(true);
    // Already held: granted again.
    expect((await connection.subscribe(notifyTopic('thing-0'), { qos: 1 })).map((g) => g.qos)).toEqual([1]);
    // One freed by UNSUBSCRIBE: room for one more.
    await connection.unsubscribe(notifyTopic('thing-1'));
    expect(await subscribeThings(connection, 100, 2)).toEqual([1, 128]);
  });

  test('a raised quota, and no quota at all for a broker without it', async () => {
    const raised = await client({ subscriptionQuotas: { subscriptionsPerConnection: 60 } });
    expect((await subscribeThings(raised, 0, 64)).filter((qos) => qos === 1)).toHaveLength(60);
    const unlimited = await client({ subscriptionQuotas: false });
    expect(await subscribeThings(unlimited, 0, 64)).toEqual(Array(64).fill(1));
  });
});

describe('topic filters per SUBSCRIBE (AWS: 8, fixed)', () => {
  test('8 filters in one SUBSCRIBE are granted; 9 close the connection', async () => {
    const connection = await client();
    const eight = Array.from({ length: 8 }, (_, i) => notifyTopic(`thing-${i}`));
    expect((await connection.subscribe(eight, { qos: 1 })).map((g) => g.qos)).toEqual(Array(8).fill(1));

    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    const nine = Array.from({ length: 9 }, (_, i) => notifyTopic(`other-${i}`));
    const refused = connection.subscribe(nine, { qos: 1 }).then(
      () => 'granted',
      () => 'failed',
    );
    await closed;
    await connection.end(true);
    expect(await refused).toBe('failed');
  });

  test('filtersPerSubscribe is configurable, and off with subscriptionQuotas: false', async () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => notifyTopic(`thing-${i}`));
    const wide = await client({ subscriptionQuotas: { filtersPerSubscribe: 16 } });
    expect((await wide.subscribe(sixteen, { qos: 1 })).map((g) => g.qos)).toEqual(Array(16).fill(1));
    const unlimited = await client({ subscriptionQuotas: false });
    expect((await unlimited.subscribe(sixteen, { qos: 1 })).map((g) => g.qos)).toEqual(Array(16).fill(1));
  });
});

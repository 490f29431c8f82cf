import { afterEach, describe, expect, test } from '@jest/globals';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import { createInMemoryBroker, createTcpBroker, type TestBroker } from '../../lib/testing/broker.js';

/** Resolves with the first message that arrives on `client`. */
function nextMessage(client: AsyncMqttClient): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) => {
    client.once('message', (topic: string, payload: Buffer) => resolve({ topic, payload: payload.toString() }));
  });
}

const brokers: Record<string, () => Promise<TestBroker>> = {
  'in-memory': () => createInMemoryBroker(),
  'loopback TCP': () => createTcpBroker({ port: 0 }),
};

describe.each(Object.keys(brokers))('%s broker', (kind) => {
  let broker: TestBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  test('a publish reaches a subscriber on a $aws topic', async () => {
    broker = await brokers[kind]!();
    const device = await broker.connect({ clientId: 'device' });
    const service = await broker.connect({ clientId: 'service' });
    await device.subscribe('$aws/things/t/jobs/notify', { qos: 1 });
    const received = nextMessage(device);
    await service.publish('$aws/things/t/jobs/notify', '{"timestamp":1,"jobs":{}}', { qos: 1 });
    expect(await received).toEqual({ topic: '$aws/things/t/jobs/notify', payload: '{"timestamp":1,"jobs":{}}' });
  });

  test('a first-level wildcard does not match $ topics, an explicit $aws filter does', async () => {
    broker = await brokers[kind]!();
    const wide = await broker.connect();
    const explicit = await broker.connect();
    await wide.subscribe('#');
    await explicit.subscribe('$aws/things/+/jobs/#');
    const wideReceived = nextMessage(wide);
    const explicitReceived = nextMessage(explicit);
    await explicit.publish('$aws/things/t/jobs/x', 'a', { qos: 1 });
    await explicit.publish('plain/topic', 'b', { qos: 1 });
    expect(await explicitReceived).toEqual({ topic: '$aws/things/t/jobs/x', payload: 'a' });
    // Had `#` matched the $aws topic, it would have arrived first.
    expect(await wideReceived).toEqual({ topic: 'plain/topic', payload: 'b' });
  });

  test('close ends every client and is safe to repeat', async () => {
    broker = await brokers[kind]!();
    const client = await broker.connect();
    await broker.close();
    expect(client.connected).toBe(false);
    await broker.close();
  });
});

describe('TCP broker', () => {
  test('reports its URL and port, and a taken port is a clear error', async () => {
    const first = await createTcpBroker();
    try {
      expect(first.port).toBeGreaterThan(0);
      expect(first.url).toBe(`mqtt://127.0.0.1:${first.port}`);
      await expect(createTcpBroker({ port: first.port })).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`);
    } finally {
      await first.close();
    }
  });

  test('close does not wait for clients it did not hand out: it ends them', async () => {
    const broker = await createTcpBroker();
    const foreign = await asyncMqtt.connectAsync(broker.url, { reconnectPeriod: 0 }, false);
    const foreignClosed = new Promise<void>((resolve) => foreign.once('close', () => resolve()));
    await broker.close();
    await foreignClosed;
    expect(foreign.connected).toBe(false);
    await foreign.end(true);
  });
});

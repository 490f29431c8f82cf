/**
 * The reference-counted subscription set on a scripted connection, for the
 * orderings a real broker rarely shows: a release and a re-acquire racing,
 * a close during a SUBSCRIBE, a refused filter.
 */
import { describe, expect, test } from '@jest/globals';
import { ConnectionClosedError, SubscriptionRefusedError } from '../../lib/errors.js';
import type { JobsClientDebugEvent } from '../../lib/client/client-events.js';
import type { MqttConnection, SubscriptionGrant } from '../../lib/mqtt/connection.js';
import { SubscriptionRegistry } from '../../lib/client/subscription-registry.js';
import { InvalidArgumentError } from '../../lib/errors.js';

/** A connection whose SUBACKs and UNSUBACKs the test releases one by one. */
class ScriptedConnection {
  readonly log: string[] = [];
  private readonly waiting: Array<() => void> = [];
  refuse = new Set<string>();

  readonly connection: MqttConnection = {
    publish: () => Promise.resolve(),
    subscribe: (filters) => this.later(`subscribe ${String(filters)}`, () => [filters].flat().map((topic) => ({ topic, qos: this.refuse.has(topic) ? 128 : 1 }))),
    unsubscribe: (filters) => this.later(`unsubscribe ${String(filters)}`, () => undefined),
    on: (event: string, listener: (...args: never[]) => void) => {
      this.listeners.set(event, listener as (arg?: unknown) => void);
    },
    off: () => undefined,
  };
  readonly listeners = new Map<string, (arg?: unknown) => void>();

  private later<T extends SubscriptionGrant[] | undefined>(entry: string, result: () => T): Promise<T> {
    this.log.push(entry);
    return new Promise((resolve) => this.waiting.push(() => resolve(result())));
  }

  /** Acknowledges the oldest packet, then lets the promise chains run. */
  async ack(): Promise<void> {
    this.waiting.shift()?.();
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  }
}

/** The registry API with the QoS fixed, as the old per-client set had it. */
function setup(): {
  script: ScriptedConnection;
  subscriptions: { acquire(key: string, filters: string[], max?: number): Promise<void>; release(key: string): Promise<void>; readonly count: number };
  debug: JobsClientDebugEvent[];
  renewals: Array<{ sessionPresent: boolean; done: Promise<Error[]> }>;
} {
  const script = new ScriptedConnection();
  const debug: JobsClientDebugEvent[] = [];
  const renewals: Array<{ sessionPresent: boolean; done: Promise<Error[]> }> = [];
  const registry = SubscriptionRegistry.for(script.connection);
  registry.attach({ debug: (event) => debug.push(event), reconnected: (sessionPresent, done) => renewals.push({ sessionPresent, done }) });
  return {
    script,
    subscriptions: {
      acquire: (key, filters, max) => registry.acquire(key, filters, 1, max),
      release: (key) => registry.release(key),
      get count() {
        return registry.count;
      },
    },
    debug,
    renewals,
  };
}

describe('SubscriptionRegistry', () => {
  test('one SUBSCRIBE for concurrent acquires; UNSUBSCRIBE after the last release', async () => {
    const { script, subscriptions } = setup();
    const first = subscriptions.acquire('t', ['a', 'b']);
    const second = subscriptions.acquire('t', ['a', 'b']);
    expect(script.log).toEqual([]); // sent on the next tick, once
    await script.ack(); // nothing pending yet: this lets the queued subscribe go out
    expect(script.log).toEqual(['subscribe a,b']);
    await script.ack();
    await Promise.all([first, second]);
    expect(subscriptions.count).toBe(2);
    void subscriptions.release('t');
    expect(subscriptions.count).toBe(2);
    void subscriptions.release('t');
    expect(subscriptions.count).toBe(0);
    await script.ack();
    expect(script.log).toEqual(['subscribe a,b', 'unsubscribe a,b']);
  });

  test('a re-acquire while the UNSUBSCRIBE is in flight subscribes again only after its UNSUBACK', async () => {
    const { script, subscriptions } = setup();
    const held = subscriptions.acquire('t', ['a']);
    await script.ack();
    await script.ack();
    await held;
    const released = subscriptions.release('t');
    await script.ack(); // the unsubscribe goes out
    expect(script.log).toEqual(['subscribe a', 'unsubscribe a']);
    const again = subscriptions.acquire('t', ['a']);
    await Promise.resolve();
    expect(script.log).toEqual(['subscribe a', 'unsubscribe a']); // waits for the UNSUBACK
    await script.ack();
    await released;
    expect(script.log).toEqual(['subscribe a', 'unsubscribe a', 'subscribe a']);
    await script.ack();
    await again;
    expect(subscriptions.count).toBe(1);
  });

  test('a release and a re-acquire before the UNSUBSCRIBE went out send nothing', async () => {
    const { script, subscriptions } = setup();
    const held = subscriptions.acquire('t', ['a']);
    await script.ack();
    await script.ack();
    await held;
    void subscriptions.release('t');
    const again = subscriptions.acquire('t', ['a']);
    await script.ack();
    await again;
    expect(script.log).toEqual(['subscribe a']);
    expect(subscriptions.count).toBe(1);
  });

  test('a refused filter rejects every acquirer, gives back the granted ones, and a later acquire tries again', async () => {
    const { script, subscriptions, debug } = setup();
    script.refuse.add('b');
    const first = subscriptions.acquire('t', ['a', 'b']).catch((e: unknown) => e);
    const second = subscriptions.acquire('t', ['a', 'b']).catch((e: unknown) => e);
    await script.ack();
    await script.ack(); // SUBACK [1, 128]
    await script.ack(); // UNSUBACK of a
    expect(await first).toBeInstanceOf(SubscriptionRefusedError);
    expect(await second).toMatchObject({ filters: ['b'] });
    expect(script.log).toEqual(['subscribe a,b', 'unsubscribe a']);
    expect(debug[0]).toEqual({ type: 'subscribe', filters: ['a', 'b'], granted: [1, 128] });
    void subscriptions.release('t');
    void subscriptions.release('t');
    await script.ack();
    script.refuse.clear();
    const retry = subscriptions.acquire('t', ['a', 'b']);
    await script.ack();
    await script.ack();
    await retry;
    expect(subscriptions.count).toBe(2);
  });

  test('the last release during a SUBSCRIBE: the acquirer fails, and the late grant is given back', async () => {
    const { script, subscriptions } = setup();
    const pending = subscriptions.acquire('t', ['a']).catch((e: unknown) => e);
    await script.ack();
    void subscriptions.release('t');
    await script.ack(); // SUBACK arrives after the release
    await script.ack(); // UNSUBACK
    expect(await pending).toBeInstanceOf(ConnectionClosedError);
    expect(script.log).toEqual(['subscribe a', 'unsubscribe a']);
    expect(subscriptions.count).toBe(0);
  });

  test('after a lost session every held key is subscribed again; with the session kept, nothing is', async () => {
    const { script, subscriptions, renewals } = setup();
    const held = [subscriptions.acquire('t1', ['a']), subscriptions.acquire('t2', ['b'])];
    await script.ack();
    await script.ack();
    await script.ack();
    await Promise.all(held);
    script.listeners.get('close')!();
    script.listeners.get('connect')!({ sessionPresent: true });
    expect(renewals).toHaveLength(1);
    expect(await renewals[0]!.done).toEqual([]);
    expect(script.log).toEqual(['subscribe a', 'subscribe b']);
    script.listeners.get('close')!();
    script.listeners.get('connect')!({ sessionPresent: false });
    expect(subscriptions.count).toBe(0); // until the SUBACKs
    await script.ack();
    await script.ack();
    await script.ack();
    expect(await renewals[1]!.done).toEqual([]);
    expect(script.log).toEqual(['subscribe a', 'subscribe b', 'subscribe a', 'subscribe b']);
    expect(subscriptions.count).toBe(2);
  });

  test('a key acquired while the connection is down is subscribed when it comes back', async () => {
    const { script, subscriptions } = setup();
    script.listeners.get('close')!();
    let granted = false;
    const held = subscriptions.acquire('t', ['a']).then(() => (granted = true));
    await script.ack();
    expect(script.log).toEqual([]);
    script.listeners.get('connect')!({ sessionPresent: false });
    await script.ack();
    await script.ack();
    await held;
    expect(granted).toBe(true);
    expect(script.log).toEqual(['subscribe a']);
  });

  test('two users of one connection: one releasing never removes a filter the other holds (shared, reference-counted)', async () => {
    const { script, subscriptions } = setup();
    const first = subscriptions.acquire('t', ['a']);
    const second = subscriptions.acquire('t', ['a']); // e.g. a Jobs and a JobsClient call on the same connection
    await script.ack();
    await script.ack();
    await Promise.all([first, second]);
    await subscriptions.release('t');
    await script.ack();
    expect(script.log).toEqual(['subscribe a']);
    expect(subscriptions.count).toBe(1);
  });

  test('past the per-connection quota an acquire is refused before anything is sent, naming the wildcard option', async () => {
    const { script, subscriptions } = setup();
    const six = ['1', '2', '3', '4', '5', '6'];
    const held = Array.from({ length: 8 }, (_, i) => subscriptions.acquire(`t${i}`, six.map((f) => `${i}/${f}`), 50));
    for (const p of held) p.catch(() => undefined);
    expect(() => subscriptions.acquire('t8', six.map((f) => `8/${f}`), 50)).toThrow(InvalidArgumentError);
    expect(() => subscriptions.acquire('t8', six.map((f) => `8/${f}`), 50)).toThrow(/'wildcard'/);
    expect(() => subscriptions.acquire('big', ['1', '2', '3', '4', '5', '6', '7', '8', '9'])).toThrow(/at most 8 per SUBSCRIBE/);
    for (let i = 0; i < 10; i += 1) await script.ack();
    expect(script.log.filter((line) => line.startsWith('subscribe'))).toHaveLength(8);
  });
});

describe('SubscriptionRegistry after a failed SUBSCRIBE (found by the chaos test)', () => {
  test('a SUBSCRIBE that failed is not sticky: the next acquirer, with the key still held, tries again', async () => {
    let calls = 0;
    const connection: MqttConnection = {
      publish: () => Promise.resolve(),
      subscribe: (filters) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('no SUBACK')) : Promise.resolve([filters].flat().map((topic) => ({ topic, qos: 1 })));
      },
      unsubscribe: () => Promise.resolve(),
      on: () => undefined,
      off: () => undefined,
    };
    const registry = SubscriptionRegistry.for(connection);
    registry.attach({ debug: () => undefined, reconnected: () => undefined });
    await expect(registry.acquire('t', ['a'], 1)).rejects.toThrow('subscribe to a failed');
    // A persistent user (a Jobs) still holds the key; a call acquires it again.
    await expect(registry.acquire('t', ['a'], 1)).resolves.toBeUndefined();
    expect(calls).toBe(2);
    expect(registry.count).toBe(1);
  });
});

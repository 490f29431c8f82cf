/**
 * The subscriptions of one MQTT connection, shared by everyone on it (every
 * `JobsClient`, hence every `Jobs`, and any other module with topics of its
 * own, such as AWS IoT Commands): `SubscriptionRegistry.for(connection)`.
 *
 * A key (a thing name, `+` in the gateway mode, or any name a module picks)
 * owns a set of at most 8 filters (AWS IoT Core's limit per SUBSCRIBE),
 * subscribed in one SUBSCRIBE when its first user acquires it and
 * unsubscribed when its last user releases it, whoever they are: no
 * unsubscribe ever removes a filter someone on the connection still needs.
 * Operations on one key run one after the other, so an UNSUBSCRIBE never
 * overtakes the SUBSCRIBE that follows it. Every SUBACK is checked (a refused
 * filter is an error, never a silent wait), and every SUBSCRIBE is bounded
 * in time, so a broker that never answers it cannot block a key.
 *
 * A key acquired while the connection is down is subscribed as soon as it
 * comes back; after a reconnect without a session every key in use is
 * subscribed again, and the users attached to the registry hear about it.
 * @packageDocumentation
 */

import { ConnectionClosedError, InvalidArgumentError, JobsError, SubscriptionRefusedError } from '../errors.js';
import type { ConnectListener, CloseListener, JobsQoS, MqttConnection, SubscriptionGrant } from '../mqtt/connection.js';
import type { JobsClientDebugEvent } from './client-events.js';
import { settleWithin } from './deadline.js';
import { Deferred } from './deferred.js';

/** The SUBACK return code of a refused subscription (MQTT 3.1.1 §3.9.3). */
export const SUBACK_FAILURE = 0x80;

/** AWS IoT Core's default quota of subscriptions per connection (a soft quota AWS raises on request). */
export const AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

/** AWS IoT Core's hard limit of topic filters in one SUBSCRIBE. */
export const AWS_MAX_FILTERS_PER_SUBSCRIBE = 8;

/** How long one SUBSCRIBE may take before the registry gives up on it. */
export const SUBSCRIPTION_PACKET_TIMEOUT_MS = 10_000;

/** Someone who uses the registry and wants to hear about its connection. */
export interface RegistryUser {
  /** Subscribe/unsubscribe events, for a debug stream. */
  debug(event: JobsClientDebugEvent): void;
  /**
   * The connection came back: renewal of every key in use has started (it is
   * under way when this is called, so calls made now wait for it).
   * @param done - settles with the errors met once the renewal is over.
   */
  reconnected(sessionPresent: boolean, done: Promise<Error[]>): void;
}

interface Entry {
  readonly filters: readonly string[];
  readonly qos: JobsQoS;
  /** Users: watchers and calls in flight. */
  refs: number;
  /** True once the broker granted every filter (and until unsubscribed or the session is lost). */
  subscribed: boolean;
  /** The subscribe that acquirers wait for; undefined when none is wanted. */
  attempt: Promise<void> | undefined;
  /** Acquirers waiting for the connection to come back. */
  waiting: Deferred<void> | undefined;
  /** The last attempt failed: the next acquire makes a new one. */
  failed: boolean;
  /** The last queued operation on this key. */
  tail: Promise<void>;
}

const noop = (): void => undefined;
const REGISTRIES = new WeakMap<MqttConnection, SubscriptionRegistry>();

/** The reference-counted subscriptions of one connection. */
export class SubscriptionRegistry {
  /**
   * The registry of `connection`, created on first use. Each user
   * {@link SubscriptionRegistry.attach}es to it and detaches when done; the
   * registry stops listening to the connection when its last user leaves.
   */
  static for(connection: MqttConnection): SubscriptionRegistry {
    let registry = REGISTRIES.get(connection);
    if (registry === undefined) {
      registry = new SubscriptionRegistry(connection);
      REGISTRIES.set(connection, registry);
    }
    return registry;
  }

  private readonly entries = new Map<string, Entry>();
  private readonly users = new Set<RegistryUser>();
  private readonly connection: MqttConnection;
  private online: boolean;
  private listening = false;

  private constructor(connection: MqttConnection) {
    this.connection = connection;
    this.online = connection.connected !== false;
  }

  /** Filters granted and in use on the connection (a key whose last user left no longer counts). */
  get count(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.subscribed && entry.refs > 0) count += entry.filters.length;
    return count;
  }

  /** Filters in use or wanted (granted or not yet): what the next SUBSCRIBE adds to. */
  get wanted(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.refs > 0) count += entry.filters.length;
    return count;
  }

  /** False while the connection is down (as far as its events tell). */
  get isOnline(): boolean {
    return this.online && this.connection.connected !== false;
  }

  /** True when `key` is granted right now. */
  isSubscribed(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.subscribed;
  }

  /** Starts hearing about the connection. @returns the function that detaches `user`. */
  attach(user: RegistryUser): () => void {
    this.users.add(user);
    if (!this.listening) {
      this.listening = true;
      this.online = this.connection.connected !== false;
      this.connection.on('connect', this.onConnect);
      this.connection.on('close', this.onClose);
    }
    return () => {
      if (!this.users.delete(user) || this.users.size > 0) return;
      this.listening = false;
      this.connection.off('connect', this.onConnect);
      this.connection.off('close', this.onClose);
      if (this.entries.size === 0 && REGISTRIES.get(this.connection) === this) REGISTRIES.delete(this.connection);
    };
  }

  /**
   * Takes a reference on `key`, subscribing its filters if nobody holds them
   * (at once, or as soon as the connection is back). Resolves once they are
   * granted; every acquire needs one {@link SubscriptionRegistry.release}, whatever the outcome.
   * @param maxFilters - refuse (synchronously, before anything is sent) when the connection would then hold more filters.
   * @throws {@link InvalidArgumentError} past `maxFilters` or {@link AWS_MAX_FILTERS_PER_SUBSCRIBE} (synchronously);
   *   {@link SubscriptionRefusedError} when the broker refuses a filter; {@link ConnectionClosedError} when the connection drops meanwhile.
   */
  acquire(key: string, filters: readonly string[], qos: JobsQoS, maxFilters = Number.POSITIVE_INFINITY): Promise<void> {
    let entry = this.entries.get(key);
    if (entry === undefined || entry.refs === 0) {
      if (filters.length > AWS_MAX_FILTERS_PER_SUBSCRIBE) {
        throw new InvalidArgumentError('filters', `at most ${AWS_MAX_FILTERS_PER_SUBSCRIBE} per SUBSCRIBE (AWS IoT Core)`, filters.length);
      }
      if (this.wanted + filters.length > maxFilters) {
        throw new InvalidArgumentError(
          'subscriptions',
          `'wildcard' (JobsClient option) when one connection serves this many things: ` +
            `${this.wanted + filters.length} topic filters would pass the ${maxFilters} per connection that AWS IoT Core allows ` +
            `(or raise maxSubscriptions if your quota was raised)`,
          key,
        );
      }
    }
    if (entry === undefined) {
      entry = { filters, qos, refs: 0, subscribed: false, attempt: undefined, waiting: undefined, failed: false, tail: Promise.resolve() };
      this.entries.set(key, entry);
    }
    entry.refs += 1;
    // A failed SUBSCRIBE (no SUBACK in time, an error, a refusal) is not sticky: the next acquirer tries again.
    if (entry.attempt === undefined || entry.failed) {
      const target = entry;
      entry.failed = false;
      if (this.isOnline) entry.attempt = this.track(entry, this.enqueue(entry, () => this.subscribe(target, false)));
      else {
        entry.waiting = new Deferred<void>(`subscribe ${key}`);
        entry.attempt = entry.waiting.promise;
        entry.attempt.catch(noop);
      }
    }
    return entry.attempt;
  }

  /**
   * Drops a reference; the last one unsubscribes (at once when the connection
   * is down: the filters went with the session, or come back with it unused).
   * @returns a promise that settles (never rejects) once that unsubscribe is done.
   */
  release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.refs === 0) return Promise.resolve();
    entry.refs -= 1;
    if (entry.refs > 0) return Promise.resolve();
    entry.attempt = undefined;
    entry.waiting?.fail(new ConnectionClosedError(`subscribe ${key}`), 'closed');
    entry.waiting = undefined;
    return this.enqueue(entry, () => this.unsubscribeIfUnused(key, entry)).catch(noop);
  }

  private readonly onClose: CloseListener = () => {
    this.online = false;
  };

  private readonly onConnect: ConnectListener = (connack) => {
    const wasOffline = !this.online;
    this.online = true;
    // Some connections emit 'connect' without the CONNACK: that reads as a lost session.
    const sessionPresent = (connack as { sessionPresent?: boolean } | undefined)?.sessionPresent === true;
    if (!wasOffline && sessionPresent) return;
    const attempts: Promise<void>[] = [];
    const filters: string[] = [];
    for (const entry of this.entries.values()) {
      if (entry.refs === 0) continue;
      if (!sessionPresent) entry.subscribed = false;
      if (entry.subscribed) continue;
      const target = entry;
      const run = this.enqueue(entry, () => this.subscribe(target, true));
      if (entry.waiting !== undefined) {
        const waiting = entry.waiting;
        entry.waiting = undefined;
        run.then(
          () => waiting.resolve(undefined),
          (error: unknown) => waiting.fail(toError(error), 'failed'),
        );
      }
      entry.attempt = this.track(entry, run);
      entry.failed = false;
      attempts.push(run);
      filters.push(...entry.filters);
    }
    const done = Promise.allSettled(attempts).then((results) =>
      results.flatMap((result) => (result.status === 'rejected' ? [toError(result.reason)] : [])),
    );
    this.broadcast({ type: 'resubscribe', sessionPresent, filters });
    for (const user of [...this.users]) user.reconnected(sessionPresent, done);
  };

  /** Marks `entry` failed when `attempt`, still its current one, fails. */
  private track(entry: Entry, attempt: Promise<void>): Promise<void> {
    attempt.catch(() => {
      if (entry.attempt === attempt) entry.failed = true;
    });
    return attempt;
  }

  private enqueue(entry: Entry, operation: () => Promise<void>): Promise<void> {
    const run = entry.tail.then(operation);
    entry.tail = run.catch(noop);
    run.catch(noop); // acquirers handle the error; this only keeps it from being unhandled
    return run;
  }

  private async subscribe(entry: Entry, force: boolean): Promise<void> {
    if (entry.refs === 0) throw new ConnectionClosedError('subscribe');
    if (entry.subscribed && !force) return;
    const filters = [...entry.filters];
    let grants: SubscriptionGrant[];
    try {
      grants = await bounded(`subscribe to ${filters.join(', ')}`, this.connection.subscribe(filters, { qos: entry.qos }));
    } catch (error) {
      if (this.connection.connected === false || !this.online) throw new ConnectionClosedError(`subscribe to ${filters.join(', ')}`, { cause: error });
      throw error instanceof JobsError ? error : new JobsError(`subscribe to ${filters.join(', ')} failed`, { cause: error });
    }
    const granted = filters.map((filter) => grantOf(grants, filter));
    this.broadcast({ type: 'subscribe', filters, granted });
    const refused = filters.filter((_, index) => (granted[index] ?? 0) >= SUBACK_FAILURE);
    if (refused.length > 0) {
      entry.subscribed = false;
      const accepted = filters.filter((filter) => !refused.includes(filter));
      if (accepted.length > 0) await this.unsubscribe(accepted);
      throw new SubscriptionRefusedError(refused);
    }
    entry.subscribed = true;
    if (entry.refs === 0) throw new ConnectionClosedError('subscribe');
  }

  private async unsubscribeIfUnused(key: string, entry: Entry): Promise<void> {
    if (entry.refs > 0) return;
    if (entry.subscribed) {
      entry.subscribed = false;
      if (this.isOnline) await this.unsubscribe([...entry.filters]);
    }
    // Forget the key unless someone acquired it meanwhile.
    if (entry.refs === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    if (this.entries.size === 0 && this.users.size === 0 && REGISTRIES.get(this.connection) === this) REGISTRIES.delete(this.connection);
  }

  /** Unsubscribes; a failure is only reported (the filters are gone with the session anyway). */
  private async unsubscribe(filters: string[]): Promise<void> {
    try {
      // Not bounded by a timer: a lost UNSUBACK only delays a later SUBSCRIBE of this key, which its
      // caller's deadline bounds, and the MQTT client fails it when the connection drops.
      await this.connection.unsubscribe(filters);
      this.broadcast({ type: 'unsubscribe', filters });
    } catch (error) {
      this.broadcast({ type: 'unsubscribe-failed', filters, error });
    }
  }

  private broadcast(event: JobsClientDebugEvent): void {
    for (const user of this.users) user.debug(event);
  }
}

/** A SUBSCRIBE, given up on after {@link SUBSCRIPTION_PACKET_TIMEOUT_MS}. */
function bounded<T>(name: string, promise: Promise<T>): Promise<T> {
  const operation = new Deferred<T>(name);
  promise.then(
    (value) => operation.resolve(value),
    (error: unknown) => operation.fail(toError(error), 'failed'),
  );
  return settleWithin(operation, { timeoutMs: SUBSCRIPTION_PACKET_TIMEOUT_MS });
}

/** The code granted to `filter`; a filter missing from the SUBACK counts as granted (mqtt.js leaves out filters it already holds). */
function grantOf(grants: readonly SubscriptionGrant[], filter: string): number {
  return grants.find((grant) => grant.topic === filter)?.qos ?? 0;
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new JobsError(String(reason));
}

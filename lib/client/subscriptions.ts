/**
 * Reference-counted subscriptions. A key (a thing name, or `+` in the gateway
 * mode) owns a set of filters, subscribed in one SUBSCRIBE when the first user
 * acquires the key and unsubscribed when the last one releases it. Operations
 * on one key run one after the other, so that an UNSUBSCRIBE never overtakes
 * the SUBSCRIBE that follows it. Every SUBACK is checked: a refused filter is
 * an error, never a silent wait.
 * @packageDocumentation
 */

import { ConnectionClosedError, JobsError, SubscriptionRefusedError } from '../errors.js';
import type { JobsClientDebugEvent } from './client-events.js';
import type { JobsQoS, MqttConnection, SubscriptionGrant } from '../mqtt/connection.js';

/** The SUBACK return code of a refused subscription (MQTT 3.1.1 §3.9.3). */
export const SUBACK_FAILURE = 0x80;

interface Entry {
  readonly filters: readonly string[];
  /** Users: watchers and calls in flight. */
  refs: number;
  /** True once the broker granted every filter (and until unsubscribed or the session is lost). */
  subscribed: boolean;
  /** The subscribe that acquirers wait for; undefined when none is wanted. */
  attempt: Promise<void> | undefined;
  /** The last queued operation on this key. */
  tail: Promise<void>;
}

const noop = (): void => undefined;

/** The subscriptions of one Jobs client. */
export class Subscriptions {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private readonly connection: MqttConnection;
  private readonly qos: JobsQoS;
  private readonly debug: (event: JobsClientDebugEvent) => void;

  /** @param debug - receives subscribe/unsubscribe events. */
  constructor(connection: MqttConnection, qos: JobsQoS, debug: (event: JobsClientDebugEvent) => void) {
    this.connection = connection;
    this.qos = qos;
    this.debug = debug;
  }

  /** Filters granted and in use (a key whose last user left is on its way out and no longer counts). */
  get count(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.subscribed && entry.refs > 0) count += entry.filters.length;
    return count;
  }

  /**
   * Takes a reference on `key`, subscribing its filters if nobody holds them.
   * Resolves once they are granted; every acquire needs one {@link release}.
   * @throws {@link SubscriptionRefusedError} when the broker refuses a filter.
   */
  acquire(key: string, filters: readonly string[]): Promise<void> {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { filters, refs: 0, subscribed: false, attempt: undefined, tail: Promise.resolve() };
      this.entries.set(key, entry);
    }
    entry.refs += 1;
    entry.attempt ??= this.enqueue(entry, () => this.subscribe(entry, false));
    return entry.attempt;
  }

  /**
   * Drops a reference; the last one unsubscribes.
   * @returns a promise that settles (never rejects) once that unsubscribe is done.
   */
  release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.refs === 0) return Promise.resolve();
    entry.refs -= 1;
    if (entry.refs > 0 || this.closed) return Promise.resolve();
    entry.attempt = undefined;
    return this.enqueue(entry, () => this.unsubscribeIfUnused(key, entry)).catch(noop);
  }

  /**
   * Renews subscriptions after a reconnect: all of them when the broker lost
   * the session, otherwise only those not granted before the drop. Starts
   * synchronously, so that calls made right after wait for the renewal.
   * @returns the filters renewed and the errors met.
   */
  resubscribe(sessionPresent: boolean): { filters: string[]; done: Promise<Error[]> } {
    const attempts: Promise<void>[] = [];
    const filters: string[] = [];
    for (const entry of this.entries.values()) {
      if (entry.refs === 0) continue;
      if (!sessionPresent) entry.subscribed = false;
      if (entry.subscribed) continue;
      entry.attempt = this.enqueue(entry, () => this.subscribe(entry, true));
      attempts.push(entry.attempt);
      filters.push(...entry.filters);
    }
    const done = Promise.allSettled(attempts).then((results) =>
      results.flatMap((result) => (result.status === 'rejected' ? [toError(result.reason)] : [])),
    );
    return { filters, done };
  }

  /** Stops: later releases send nothing. @returns the filters still granted, for the caller to unsubscribe. */
  close(): string[] {
    this.closed = true;
    const filters: string[] = [];
    for (const entry of this.entries.values()) if (entry.subscribed) filters.push(...entry.filters);
    this.entries.clear();
    return filters;
  }

  private enqueue(entry: Entry, operation: () => Promise<void>): Promise<void> {
    const run = entry.tail.then(operation);
    entry.tail = run.catch(noop);
    run.catch(noop); // acquirers handle the error; this only keeps it from being unhandled
    return run;
  }

  private async subscribe(entry: Entry, force: boolean): Promise<void> {
    if (this.closed) throw new ConnectionClosedError('subscribe');
    if (entry.subscribed && !force) return;
    const filters = [...entry.filters];
    let grants: SubscriptionGrant[];
    try {
      grants = await this.connection.subscribe(filters, { qos: this.qos });
    } catch (error) {
      throw this.connection.connected === false
        ? new ConnectionClosedError(`subscribe to ${filters.join(', ')}`, { cause: error })
        : new JobsError(`subscribe to ${filters.join(', ')} failed`, { cause: error });
    }
    const granted = filters.map((filter) => grantOf(grants, filter));
    this.debug({ type: 'subscribe', filters, granted });
    const refused = filters.filter((_, index) => (granted[index] ?? 0) >= SUBACK_FAILURE);
    if (refused.length > 0) {
      entry.subscribed = false;
      const accepted = filters.filter((filter) => !refused.includes(filter));
      if (accepted.length > 0) await this.unsubscribe(accepted);
      throw new SubscriptionRefusedError(refused);
    }
    if (this.closed) {
      await this.unsubscribe(filters);
      throw new ConnectionClosedError('subscribe');
    }
    entry.subscribed = true;
  }

  private async unsubscribeIfUnused(key: string, entry: Entry): Promise<void> {
    if (entry.refs > 0) return;
    if (entry.subscribed) {
      entry.subscribed = false;
      await this.unsubscribe([...entry.filters]);
    }
    // Forget the key unless someone acquired it meanwhile.
    if (entry.refs === 0 && this.entries.get(key) === entry) this.entries.delete(key);
  }

  /** Unsubscribes; a failure is only reported (the filters are gone with the session anyway). */
  private async unsubscribe(filters: string[]): Promise<void> {
    try {
      await this.connection.unsubscribe(filters);
      this.debug({ type: 'unsubscribe', filters });
    } catch (error) {
      this.debug({ type: 'unsubscribe-failed', filters, error });
    }
  }
}

/** The code granted to `filter`; a filter missing from the SUBACK counts as granted (mqtt.js leaves out filters it already holds). */
function grantOf(grants: readonly SubscriptionGrant[], filter: string): number {
  return grants.find((grant) => grant.topic === filter)?.qos ?? 0;
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new JobsError(String(reason));
}

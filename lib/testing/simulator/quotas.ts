/**
 * AWS IoT Core's default MQTT subscription quotas, enforced on an in-process
 * aedes broker so that a gateway which breaks them on AWS breaks in its tests.
 *
 * What AWS documents (AWS General Reference, "AWS IoT Core endpoints and
 * quotas", message broker limits; looked up for this file):
 * - Subscriptions per connection: 50, adjustable (a soft quota AWS raises on
 *   request). AWS IoT Core "might reject subscription requests on the same
 *   connection in excess of this amount", to be checked in the SUBACK.
 *   Here: a filter past the quota gets the SUBACK failure code 0x80 (MQTT
 *   3.1.1; aedes speaks 3.1.1 only), and the connection stays open.
 * - Maximum subscriptions per SUBSCRIBE: 8, not adjustable ("A single
 *   SUBSCRIBE call is limited to request a maximum of eight subscriptions").
 *   AWS's own device SDKs split larger requests (aws-crt's
 *   AwsIotCoreDefaults validation refuses more than 8 per SUBSCRIBE), and
 *   users who sent more report that the connection was closed. Here: a
 *   SUBSCRIBE with more than 8 filters closes the connection.
 * Re-subscribing to a filter the connection already has does not count again.
 * The hooks are aedes's `preConnect` (to watch each client's SUBSCRIBE
 * packets) and `authorizeSubscribe`.
 * @packageDocumentation
 */

import type { Aedes, Client } from 'aedes';
import { JobsError } from '../../errors.js';

/** The quotas a simulator enforces on an in-process broker. */
export interface SubscriptionQuotas {
  /** Largest number of subscriptions one connection may hold; past it, SUBACK 0x80. @defaultValue 50 */
  subscriptionsPerConnection?: number;
  /** Largest number of topic filters in one SUBSCRIBE; past it, the connection is closed. @defaultValue 8 */
  filtersPerSubscribe?: number;
}

/** AWS IoT Core's defaults. */
export const AWS_SUBSCRIPTION_QUOTAS: Readonly<Required<SubscriptionQuotas>> = Object.freeze({
  subscriptionsPerConnection: 50,
  filtersPerSubscribe: 8,
});

/** The error a SUBSCRIBE with too many filters fails with (aedes then closes the connection). */
export class SubscribeQuotaError extends JobsError {
  /** @param clientId - the client. @param filters - how many filters its SUBSCRIBE held. @param limit - the quota. */
  constructor(clientId: string, filters: number, limit: number) {
    super(`Client ${clientId} sent a SUBSCRIBE with ${filters} topic filters; AWS IoT Core accepts at most ${limit} per SUBSCRIBE.`);
  }
}

interface Pending {
  topic: string;
  grant: () => void;
  refuse: () => void;
  fail: (error: Error) => void;
}

/** One SUBSCRIBE packet, as the quotas see it. */
interface SubscribeBatch {
  readonly filters: number;
  readonly pending: Pending[];
}

interface ParsedPacket {
  cmd?: string;
  subscriptions?: unknown[];
}

/** The parts of an aedes client this file reads (not in aedes's types). */
interface ClientInternals {
  subscriptions: Record<string, unknown>;
  _parser?: { prependListener(event: 'packet', listener: (packet: ParsedPacket) => void): unknown; removeListener(event: 'packet', listener: (packet: ParsedPacket) => void): unknown };
}

/**
 * Installs the quotas on `aedes`, in front of whatever authorizeSubscribe it
 * had (it still decides on the filters the quotas let through). aedes asks
 * for each filter separately and may handle several SUBSCRIBE packets of one
 * read at once, so each client's parser is watched to know which SUBSCRIBE a
 * filter came in.
 * @returns a function that restores the previous hooks and stops watching.
 */
export function installSubscriptionQuotas(aedes: Aedes, quotas: SubscriptionQuotas = {}): () => void {
  const perConnection = quotas.subscriptionsPerConnection ?? AWS_SUBSCRIPTION_QUOTAS.subscriptionsPerConnection;
  const perSubscribe = quotas.filtersPerSubscribe ?? AWS_SUBSCRIPTION_QUOTAS.filtersPerSubscribe;
  const previousAuthorize = aedes.authorizeSubscribe;
  const previousPreConnect = aedes.preConnect;
  /** The SUBSCRIBE each subscription object came in. */
  const batchOf = new WeakMap<object, SubscribeBatch>();
  /** Filters granted whose subscription aedes may not have stored yet. */
  const granting = new Map<Client, Set<string>>();
  const unwatchers = new Set<() => void>();

  const watch = (client: Client): void => {
    const parser = (client as unknown as ClientInternals)._parser;
    if (parser === undefined) return;
    const onPacket = (packet: ParsedPacket): void => {
      if (packet.cmd !== 'subscribe' || !Array.isArray(packet.subscriptions)) return;
      const batch: SubscribeBatch = { filters: packet.subscriptions.length, pending: [] };
      for (const subscription of packet.subscriptions) if (typeof subscription === 'object' && subscription !== null) batchOf.set(subscription, batch);
    };
    parser.prependListener('packet', onPacket);
    unwatchers.add(() => parser.removeListener('packet', onPacket));
  };

  const held = (client: Client): Set<string> => {
    const topics = new Set(Object.keys((client as unknown as ClientInternals).subscriptions));
    for (const topic of granting.get(client) ?? []) topics.add(topic);
    return topics;
  };

  const settle = (client: Client, batch: SubscribeBatch): void => {
    if (batch.filters > perSubscribe) {
      const error = new SubscribeQuotaError(client.id, batch.filters, perSubscribe);
      for (const pending of batch.pending) pending.fail(error);
      return;
    }
    const topics = held(client);
    for (const pending of batch.pending) {
      if (topics.has(pending.topic)) pending.grant();
      else if (topics.size < perConnection) {
        topics.add(pending.topic);
        let inFlight = granting.get(client);
        if (inFlight === undefined) granting.set(client, (inFlight = new Set()));
        inFlight.add(pending.topic);
        // By the next turn of the event loop aedes has stored it (or failed to).
        setImmediate(() => {
          inFlight.delete(pending.topic);
          if (inFlight.size === 0 && granting.get(client) === inFlight) granting.delete(client);
        });
        pending.grant();
      } else pending.refuse();
    }
  };

  aedes.preConnect = (client, packet, callback) => {
    watch(client);
    previousPreConnect.call(aedes, client, packet, callback);
  };
  // Clients connected before the quotas were installed.
  for (const client of Object.values((aedes as unknown as { clients: Record<string, Client | undefined> }).clients)) if (client) watch(client);

  aedes.authorizeSubscribe = (client, subscription, callback) => {
    const pending: Pending = {
      topic: subscription.topic,
      grant: () => previousAuthorize.call(aedes, client, subscription, callback),
      refuse: () => callback(null, null),
      fail: (error) => callback(error),
    };
    // A subscription not seen in a SUBSCRIBE (aedes's own, a restored session) is one of its own.
    let batch = batchOf.get(subscription);
    if (batch === undefined) batch = { filters: 1, pending: [] };
    batch.pending.push(pending);
    // aedes asks for every filter of one SUBSCRIBE in one synchronous loop.
    if (batch.pending.length === 1) {
      const settling = batch;
      queueMicrotask(() => settle(client, settling));
    }
  };
  return () => {
    aedes.authorizeSubscribe = previousAuthorize;
    aedes.preConnect = previousPreConnect;
    for (const unwatch of unwatchers) unwatch();
    unwatchers.clear();
  };
}

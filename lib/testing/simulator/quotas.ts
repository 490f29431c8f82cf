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

/**
 * Installs the quotas on `aedes`, in front of whatever authorizeSubscribe it
 * had (it still decides on the filters the quotas let through). aedes asks
 * for every filter of one SUBSCRIBE in one synchronous loop, so the filters
 * asked for before the next microtask are one SUBSCRIBE.
 * @returns a function that restores the previous hook.
 */
export function installSubscriptionQuotas(aedes: Aedes, quotas: SubscriptionQuotas = {}): () => void {
  const perConnection = quotas.subscriptionsPerConnection ?? AWS_SUBSCRIPTION_QUOTAS.subscriptionsPerConnection;
  const perSubscribe = quotas.filtersPerSubscribe ?? AWS_SUBSCRIPTION_QUOTAS.filtersPerSubscribe;
  const previous = aedes.authorizeSubscribe;
  const batches = new Map<Client, Pending[]>();

  const settle = (client: Client): void => {
    const batch = batches.get(client) ?? [];
    batches.delete(client);
    if (batch.length > perSubscribe) {
      const error = new SubscribeQuotaError(client.id, batch.length, perSubscribe);
      for (const pending of batch) pending.fail(error);
      return;
    }
    const held = new Set(Object.keys((client as unknown as { subscriptions: Record<string, unknown> }).subscriptions));
    for (const pending of batch) {
      if (held.has(pending.topic)) pending.grant();
      else if (held.size < perConnection) {
        held.add(pending.topic);
        pending.grant();
      } else pending.refuse();
    }
  };

  aedes.authorizeSubscribe = (client, subscription, callback) => {
    let batch = batches.get(client);
    if (batch === undefined) {
      batch = [];
      batches.set(client, batch);
      queueMicrotask(() => settle(client));
    }
    batch.push({
      topic: subscription.topic,
      grant: () => previous.call(aedes, client, subscription, callback),
      refuse: () => callback(null, null),
      fail: (error) => callback(error),
    });
  };
  return () => {
    aedes.authorizeSubscribe = previous;
  };
}

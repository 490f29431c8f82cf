/**
 * The floor: what a request costs with no library at all. A raw async-mqtt
 * client subscribes to the same filters as the JobsClient, publishes the
 * request JSON with a counter clientToken, and resolves on the first reply
 * carrying that token (accepted or rejected alike). No validation, no
 * decoding beyond reading the token, no timeout, no mutex.
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { describeTopic, getPendingTopic, startNextTopic, thingFilters, updateTopic } from '../../lib/protocol/topics.js';

type Reply = { topic: string; body: Record<string, unknown> };

/** A bare request/reply helper over one async-mqtt client. */
export class RawRequester {
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  private counter = 0;

  constructor(private readonly client: AsyncMqttClient) {
    client.on('message', (topic: string, payload: Buffer) => {
      if (!topic.endsWith('/accepted') && !topic.endsWith('/rejected')) return;
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      const token = body.clientToken;
      if (typeof token !== 'string') return;
      const resolve = this.waiting.get(token);
      if (resolve === undefined) return;
      this.waiting.delete(token);
      resolve({ topic, body });
    });
  }

  /** Subscribes to the thing's six filters (the same set the JobsClient uses). */
  async watch(thingName: string): Promise<void> {
    await this.client.subscribe(thingFilters(thingName), { qos: 1 });
  }

  /** Publishes `body` plus a clientToken on `topic` and awaits the reply. */
  request(topic: string, body: Record<string, unknown>): Promise<Reply> {
    this.counter += 1;
    const clientToken = `raw-${this.counter}`;
    const reply = new Promise<Reply>((resolve) => this.waiting.set(clientToken, resolve));
    void this.client.publish(topic, JSON.stringify({ ...body, clientToken }), { qos: 1 });
    return reply;
  }

  /**
   * The subscribe-per-call pattern (IotJobsClientv2's): subscribes to the
   * request's `/accepted` and `/rejected`, publishes, awaits the reply, and
   * unsubscribes again.
   */
  async requestSubscribed(topic: string, body: Record<string, unknown>): Promise<Reply> {
    const filters = [`${topic}/accepted`, `${topic}/rejected`];
    await this.client.subscribe(filters, { qos: 1 });
    const reply = await this.request(topic, body);
    await this.client.unsubscribe(filters);
    return reply;
  }

  /** Throws unless the reply was accepted. */
  static accepted(reply: Reply): Record<string, unknown> {
    if (!reply.topic.endsWith('/accepted')) throw new Error(`rejected on ${reply.topic}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
}

/** The request topics (the topic builders of lib/client/topics.ts). */
export const rawTopics = {
  getPending: getPendingTopic,
  startNext: startNextTopic,
  describe: describeTopic,
  update: updateTopic,
};

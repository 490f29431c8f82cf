/**
 * A fake MQTT connection with no broker and no simulator behind it: every
 * request published on it is answered, on the next microtask, by a canned
 * accepted reply carrying the request's clientToken. What a call costs over
 * it is the library's own work plus this tiny echo, which the floor (a bare
 * publish-and-await over the same connection) pays as well.
 */

import type { CloseListener, ConnectListener, MessageListener, MqttConnection, SubscriptionGrant } from '../../lib/mqtt/connection.js';

const NOW = 1_700_000_000;

/** Answers GetPending, StartNext, Describe and Update like the service would, for one IN_PROGRESS job. */
export class EchoConnection implements MqttConnection {
  readonly connected = true;
  private readonly messageListeners = new Set<MessageListener>();
  private version = 2;

  constructor(private readonly document: Record<string, unknown>) {}

  on(event: 'message' | 'connect' | 'close', listener: MessageListener | ConnectListener | CloseListener): this {
    if (event === 'message') this.messageListeners.add(listener as MessageListener);
    return this;
  }

  off(event: 'message' | 'connect' | 'close', listener: MessageListener | ConnectListener | CloseListener): this {
    if (event === 'message') this.messageListeners.delete(listener as MessageListener);
    return this;
  }

  subscribe(filters: string | string[]): Promise<SubscriptionGrant[]> {
    return Promise.resolve((Array.isArray(filters) ? filters : [filters]).map((topic) => ({ topic, qos: 1 })));
  }

  unsubscribe(): Promise<unknown> {
    return Promise.resolve(undefined);
  }

  publish(topic: string, payload: string | Buffer): Promise<unknown> {
    const request = JSON.parse(payload.toString()) as { clientToken: string; expectedVersion?: number };
    const reply = this.replyTo(topic, request);
    queueMicrotask(() => {
      for (const listener of this.messageListeners) listener(`${topic}/accepted`, reply);
    });
    return Promise.resolve(undefined);
  }

  private replyTo(topic: string, request: { clientToken: string; expectedVersion?: number }): Buffer {
    const { clientToken } = request;
    const level = topic.split('/')[4];
    const jobId = level === undefined || level === 'start-next' || level === 'get' ? 'bench-job' : level;
    const execution = { jobId, status: 'IN_PROGRESS', queuedAt: NOW, startedAt: NOW, lastUpdatedAt: NOW, versionNumber: this.version, executionNumber: 1 };
    if (topic.endsWith('/update')) {
      // A versioned update moves the version on, as the service does.
      if (request.expectedVersion !== undefined) this.version = request.expectedVersion + 1;
      return Buffer.from(JSON.stringify({ executionState: { status: 'IN_PROGRESS', versionNumber: this.version, statusDetails: { step: 'x' } }, timestamp: NOW, clientToken }));
    }
    if (topic.endsWith('/jobs/get')) {
      return Buffer.from(JSON.stringify({ inProgressJobs: [{ jobId, queuedAt: NOW, lastUpdatedAt: NOW, versionNumber: this.version, executionNumber: 1 }], queuedJobs: [], timestamp: NOW, clientToken }));
    }
    return Buffer.from(JSON.stringify({ execution: { ...execution, jobDocument: this.document }, timestamp: NOW, clientToken }));
  }
}

/** The floor over an {@link EchoConnection}: publish the body with a token, await the reply with that token. */
export class EchoFloor {
  private readonly waiting = new Map<string, (body: Record<string, unknown>) => void>();
  private counter = 0;

  constructor(private readonly connection: EchoConnection) {
    connection.on('message', (_topic: string, payload: Buffer) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      const token = body.clientToken as string;
      const resolve = this.waiting.get(token);
      if (resolve === undefined) return;
      this.waiting.delete(token);
      resolve(body);
    });
  }

  /** Publishes `body` plus a clientToken on `topic` and awaits the reply. */
  request(topic: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.counter += 1;
    const clientToken = `raw-${this.counter}`;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(clientToken, resolve));
    void this.connection.publish(topic, JSON.stringify({ ...body, clientToken }));
    return reply;
  }
}

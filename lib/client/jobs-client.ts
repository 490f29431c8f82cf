/**
 * The typed low-level Jobs client: one method per AWS operation, correlated
 * by clientToken, each call bounded by its own timeout and AbortSignal, over
 * reference-counted subscriptions whose SUBACKs are checked.
 * @packageDocumentation
 */

import {
  ConnectionClosedError,
  InvalidArgumentError,
  JobsAbortError,
  JobsError,
  JobsRejectedError,
  MalformedMessageError,
  SubscriptionRefusedError as SubscriptionRefusedErrorClass,
} from '../errors.js';
import type { IgnoredReplyReason, JobsClientDebugEvent, JobsClientEvents } from './client-events.js';
import type { CloseListener, JobsQoS, MessageListener, MqttConnection } from '../mqtt/connection.js';
import { settleWithin } from './deadline.js';
import { Deferred, type Outcome } from './deferred.js';
import { createSafeEmitter, type Events } from '../util/safe-emitter.js';
import { MAX_PAYLOAD_BYTES, decodeDescribeAccepted, decodeGetPendingAccepted, decodeJobExecutionsChanged, decodeNextJobExecutionChanged, decodeRejected, decodeStartNextAccepted, decodeUpdateAccepted, encodeDescribeRequest, encodeGetPendingRequest, encodeStartNextRequest, encodeUpdateRequest, parsePayload, type Decoder } from '../protocol/codec.js';
import type { JsonObject } from '../protocol/json.js';
import { type DescribeJobExecutionAccepted, type DescribeJobExecutionRequest, type GetPendingJobExecutionsAccepted, type GetPendingJobExecutionsRequest, type StartNextPendingJobExecutionAccepted, type StartNextPendingJobExecutionRequest, type UpdateJobExecutionAccepted, type UpdateJobExecutionRequest } from '../protocol/shapes.js';
import { PendingCalls, type CallTarget, type PendingCall } from './pending-calls.js';
import {
  assertCallOptions,
  assertDescribeRequest,
  assertGetPendingRequest,
  assertStartNextRequest,
  assertUpdateRequest,
  type CallOptions,
} from './request-validation.js';
import { AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION, SubscriptionRegistry, type RegistryUser } from './subscription-registry.js';
import { registerInternals, type ThingListener, type ThingTap } from './internal.js';
import {
  ANY_THING,
  describeTopic,
  getPendingTopic,
  parseJobsTopic,
  startNextTopic,
  thingFilters,
  updateTopic,
  type JobsNotification,
  type JobsOperation,
} from '../protocol/topics.js';
import { assertDescribeJobId, assertJobId, assertThingName, assertTimeoutMs } from './arguments.js';

export type { CallOptions } from './request-validation.js';
export type { JobsClientEvents, JobsClientDebugEvent, IgnoredReplyReason } from './client-events.js';
export type { Events } from '../util/safe-emitter.js';
export { AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION } from './subscription-registry.js';

/**
 * The default time a call waits for its reply: 10 seconds. A Jobs round trip
 * to AWS IoT Core takes well under a second on a healthy link and a few
 * seconds on a poor cellular one; 10 s leaves room for that, and still reports
 * a lost reply long before the MQTT keep-alive (60 s by default) would notice
 * a dead connection. Override per client (`timeoutMs`) or per call.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of {@link JobsClient}. */
export interface JobsClientOptions {
  /** Default timeout of every call. @defaultValue {@link DEFAULT_TIMEOUT_MS} */
  timeoutMs?: number;
  /**
   * `per-thing`: six filters per thing in use (`$aws/things/<thing>/jobs/...`).
   * `wildcard`: six filters in all (`$aws/things/+/jobs/...`), however many
   * things a gateway serves; AWS IoT allows 50 subscriptions per connection.
   * @defaultValue `'per-thing'`
   */
  subscriptions?: 'per-thing' | 'wildcard';
  /**
   * The most topic filters the connection may hold: a watch or call that would
   * pass it is refused with {@link InvalidArgumentError} naming the
   * `subscriptions: 'wildcard'` option, instead of failing on AWS.
   * `Infinity` for brokers without such a quota.
   * @defaultValue {@link AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION} (50)
   */
  maxSubscriptions?: number;
  /** QoS of requests and subscriptions. @defaultValue 1 */
  qos?: JobsQoS;
  /** Sees every publish, settlement, ignored reply and subscription change. */
  onDebug?: (event: JobsClientDebugEvent) => void;
}

/** What one request needs to be sent and matched. */
interface RequestSpec<T> {
  name: string;
  target: CallTarget;
  topic: string;
  clientToken: string | undefined;
  encode: (clientToken: string) => string;
  decode: Decoder<T>;
}

const SHARED = new WeakMap<MqttConnection, JobsClient>();
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * The low-level AWS IoT Jobs client. One client serves any number of things
 * (the thing name is part of each call) and settles every call exactly once:
 * accepted (resolves with the decoded reply), rejected
 * ({@link JobsRejectedError}), timed out ({@link JobsTimeoutError}), aborted
 * ({@link JobsAbortError}), or cut by a closed client or connection
 * ({@link ConnectionClosedError}).
 *
 * Every client on one connection shares that connection's subscriptions
 * (reference-counted), so no client ever unsubscribes a filter another one
 * still needs.
 */
export class JobsClient {
  /**
   * The client shared by everyone on `connection`, created on first use, so
   * that every Jobs object on a connection shares its correlation table. A
   * closed shared client is replaced.
   * @param options - used when the shared client is created; given again, they must be the same.
   * @throws {@link InvalidArgumentError} when `options` differ from those the shared client was made with.
   */
  static for(connection: MqttConnection, options?: JobsClientOptions): JobsClient {
    const existing = SHARED.get(connection);
    if (existing !== undefined && !existing.closed) {
      if (options !== undefined) existing.assertSameOptions(options);
      return existing;
    }
    const client = new JobsClient(connection, options);
    SHARED.set(connection, client);
    return client;
  }

  /** The connection this client runs over. */
  readonly connection: MqttConnection;
  /**
   * `notify`, `notify-next` (of watched things), `reconnect`, `error`. `on()`
   * returns the function that removes the listener; a listener that throws is
   * reported as an `error` event (and to `onDebug`), never thrown.
   */
  readonly events: Events<JobsClientEvents> = createSafeEmitter<JobsClientEvents>((type, error) => this.listenerThrew(type, error));

  private readonly timeoutMs: number;
  private readonly mode: 'per-thing' | 'wildcard';
  private readonly qos: JobsQoS;
  private readonly maxSubscriptions: number;
  private readonly onDebug: ((event: JobsClientDebugEvent) => void) | undefined;
  private readonly calls = new PendingCalls();
  private readonly registry: SubscriptionRegistry;
  private readonly detach: () => void;
  /** Watch count per thing (public watches and taps). */
  private readonly watching = new Map<string, number>();
  /** Private listeners per thing. */
  private readonly taps = new Map<string, Set<ThingListener>>();
  /** Taps whose first subscription is still awaited. */
  private readonly tapWaits = new Map<Deferred<void>, string>();
  /** watch() calls waiting for their SUBACK. */
  private readonly watches = new Set<Deferred<void>>();
  private closed = false;
  /** The connection ended for good ('end'). */
  private ended = false;
  /** A 'close' came and no 'connect' yet (or the first CONNACK has not come). */
  private disconnected: boolean;

  /**
   * @param connection - an async-mqtt client, `fromMqttJs(mqttJsClient)`, or any {@link MqttConnection}.
   * @throws {@link InvalidArgumentError} for invalid options.
   */
  constructor(connection: MqttConnection, options: JobsClientOptions = {}) {
    if (typeof connection !== 'object' || connection === null || typeof connection.publish !== 'function' || typeof connection.on !== 'function') {
      throw new InvalidArgumentError('connection', 'an MQTT connection (async-mqtt client, fromMqttJs(client), or an MqttConnection)', connection);
    }
    assertClientOptions(options);
    this.connection = connection;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.mode = options.subscriptions ?? 'per-thing';
    this.qos = options.qos ?? 1;
    this.maxSubscriptions = options.maxSubscriptions ?? AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    this.onDebug = options.onDebug;
    this.disconnected = connection.connected === false;
    this.registry = SubscriptionRegistry.for(connection);
    const user: RegistryUser = { debug: (event) => this.debug(event), reconnected: (sessionPresent, done) => this.onReconnected(sessionPresent, done) };
    this.detach = this.registry.attach(user);
    connection.on('message', this.onMessage);
    connection.on('close', this.onClose);
    onEnd(connection, 'on', this.onEnd);
    registerInternals(this, {
      tap: (thingName, listener) => this.tap(thingName, listener),
      online: () => this.isOnline,
      ended: () => this.closed || this.ended,
      timeoutMs: this.timeoutMs,
      unchecked: {
        getPending: (thingName, request, callOptions) => this.getPending(thingName, request, callOptions),
        startNext: (thingName, request, callOptions) => this.startNext(thingName, request, callOptions),
        describe: (thingName, jobId, request, callOptions) => this.describe(thingName, jobId, request, callOptions),
        update: (thingName, jobId, request, callOptions) => this.update(thingName, jobId, request, callOptions),
      },
    });
  }

  /**
   * Topic filters granted on this client's connection and in use, by this
   * client and by every other client on the same connection (they share them):
   * six per thing in use, or six in all in the wildcard mode.
   */
  get subscriptionCount(): number {
    return this.registry.count;
  }

  /** Calls in flight. */
  get pendingCount(): number {
    return this.calls.size;
  }

  /** True once {@link JobsClient.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * GetPendingJobExecutions: the thing's IN_PROGRESS and QUEUED executions.
   * @throws {@link InvalidArgumentError} before sending anything, for invalid arguments.
   * @throws {@link JobsRejectedError}, {@link JobsTimeoutError}, {@link JobsAbortError}, {@link ConnectionClosedError},
   *   {@link MalformedMessageError}, {@link SubscriptionRefusedError}.
   */
  async getPendingJobExecutions(
    thingName: string,
    request: GetPendingJobExecutionsRequest = {},
    options: CallOptions = {},
  ): Promise<GetPendingJobExecutionsAccepted> {
    assertThingName(thingName);
    assertGetPendingRequest(request);
    assertCallOptions(options);
    return this.getPending(thingName, request, options);
  }

  /**
   * StartNextPendingJobExecution: starts (QUEUED to IN_PROGRESS) and returns the
   * next pending execution; no `execution` when nothing is pending.
   * @throws as {@link JobsClient.getPendingJobExecutions}.
   */
  async startNextPendingJobExecution(
    thingName: string,
    request: StartNextPendingJobExecutionRequest = {},
    options: CallOptions = {},
  ): Promise<StartNextPendingJobExecutionAccepted> {
    assertThingName(thingName);
    assertStartNextRequest(request);
    assertCallOptions(options);
    return this.startNext(thingName, request, options);
  }

  /**
   * DescribeJobExecution. `jobId` may be `$next` (the next pending execution;
   * no `execution` when nothing is pending). `includeJobDocument: false` is sent
   * as is (the service's default is true).
   * @throws as {@link JobsClient.getPendingJobExecutions}.
   */
  async describeJobExecution(
    thingName: string,
    jobId: string,
    request: DescribeJobExecutionRequest = {},
    options: CallOptions = {},
  ): Promise<DescribeJobExecutionAccepted> {
    assertThingName(thingName);
    assertDescribeJobId(jobId);
    assertDescribeRequest(request);
    assertCallOptions(options);
    return this.describe(thingName, jobId, request, options);
  }

  /**
   * UpdateJobExecution. `status` is required; pass `expectedVersion` to guard
   * against concurrent updates (a mismatch rejects with code `VersionMismatch`
   * and the current `executionState`).
   * @throws as {@link JobsClient.getPendingJobExecutions}.
   */
  async updateJobExecution(
    thingName: string,
    jobId: string,
    request: UpdateJobExecutionRequest,
    options: CallOptions = {},
  ): Promise<UpdateJobExecutionAccepted> {
    assertThingName(thingName);
    assertJobId(jobId);
    assertUpdateRequest(request);
    assertCallOptions(options);
    return this.update(thingName, jobId, request, options);
  }

  /**
   * Subscribes to the thing's `notify` and `notify-next` (and its replies) and
   * emits them as events. Reference-counted: each watch needs one
   * {@link JobsClient.unwatch}; a second watch sends nothing new. Made while
   * the connection is down (or before its first CONNACK), it subscribes as
   * soon as the connection is up, within `timeoutMs`.
   * @throws {@link SubscriptionRefusedError} when the broker refuses a filter;
   *   {@link JobsTimeoutError}, {@link JobsAbortError}, {@link ConnectionClosedError}, {@link InvalidArgumentError}
   *   (also past `maxSubscriptions`). On any failure the watch is undone.
   */
  async watch(thingName: string, options: CallOptions = {}): Promise<void> {
    assertThingName(thingName);
    assertCallOptions(options);
    const name = `watch(${thingName})`;
    if (options.signal?.aborted === true) throw new JobsAbortError(name, { cause: options.signal.reason });
    if (this.closed || this.ended) throw new ConnectionClosedError(name);
    const subscribed = this.registry.acquire(this.keyOf(thingName), this.filtersOf(thingName), this.qos, this.maxSubscriptions);
    this.watching.set(thingName, (this.watching.get(thingName) ?? 0) + 1);
    const operation = new Deferred<void>(name, () => this.watches.delete(operation));
    this.watches.add(operation);
    subscribed.then(
      () => operation.resolve(undefined),
      (error: unknown) => this.failOperation(operation, error),
    );
    try {
      await settleWithin(operation, { timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal });
    } catch (error) {
      void this.dropWatch(thingName);
      throw error;
    }
  }

  /** Undoes one {@link JobsClient.watch}; the last one unsubscribes. Does nothing for a thing not watched. */
  async unwatch(thingName: string): Promise<void> {
    assertThingName(thingName);
    await this.dropWatch(thingName);
  }

  /**
   * Closes the client: every call in flight rejects with
   * {@link ConnectionClosedError}, every listener (on the connection and on
   * `events`) is removed, and the filters only this client held are
   * unsubscribed when the connection is up. The connection itself stays open.
   * Settles within the client's `timeoutMs` even when the broker never
   * answers, and at once when the connection is down. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.off('message', this.onMessage);
    this.connection.off('close', this.onClose);
    onEnd(this.connection, 'off', this.onEnd);
    if (SHARED.get(this.connection) === this) SHARED.delete(this.connection);
    this.failInFlight();
    this.endTaps();
    const releases: Promise<void>[] = [];
    for (const [thingName, count] of this.watching) for (let i = 0; i < count; i += 1) releases.push(this.registry.release(this.keyOf(thingName)));
    this.watching.clear();
    this.detach();
    this.events.all.clear();
    const released = new Deferred<void>('close');
    void Promise.all(releases).then(() => released.resolve(undefined));
    await settleWithin(released, { timeoutMs: this.timeoutMs, onTimeout: () => undefined });
  }

  /** `await using client = new JobsClient(connection)`: closes the client. */
  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  // ------------------------------------------------------------ requests

  private getPending(thingName: string, request: GetPendingJobExecutionsRequest, options: CallOptions): Promise<GetPendingJobExecutionsAccepted> {
    return this.request(
      {
        name: `getPendingJobExecutions(${thingName})`,
        target: { thingName, operation: 'getPending' },
        topic: getPendingTopic(thingName),
        clientToken: request.clientToken,
        encode: (clientToken) => encodeGetPendingRequest({ ...request, clientToken }),
        decode: decodeGetPendingAccepted,
      },
      options,
    );
  }

  private startNext(thingName: string, request: StartNextPendingJobExecutionRequest, options: CallOptions): Promise<StartNextPendingJobExecutionAccepted> {
    return this.request(
      {
        name: `startNextPendingJobExecution(${thingName})`,
        target: { thingName, operation: 'startNext' },
        topic: startNextTopic(thingName),
        clientToken: request.clientToken,
        encode: (clientToken) => encodeStartNextRequest({ ...request, clientToken }),
        decode: decodeStartNextAccepted,
      },
      options,
    );
  }

  private describe(thingName: string, jobId: string, request: DescribeJobExecutionRequest, options: CallOptions): Promise<DescribeJobExecutionAccepted> {
    return this.request(
      {
        name: `describeJobExecution(${thingName}, ${jobId})`,
        target: { thingName, operation: 'describe', jobId },
        topic: describeTopic(thingName, jobId),
        clientToken: request.clientToken,
        encode: (clientToken) => encodeDescribeRequest({ ...request, clientToken }),
        decode: decodeDescribeAccepted,
      },
      options,
    );
  }

  private update(thingName: string, jobId: string, request: UpdateJobExecutionRequest, options: CallOptions): Promise<UpdateJobExecutionAccepted> {
    return this.request(
      {
        name: `updateJobExecution(${thingName}, ${jobId})`,
        target: { thingName, operation: 'update', jobId },
        topic: updateTopic(thingName, jobId),
        clientToken: request.clientToken,
        encode: (clientToken) => encodeUpdateRequest({ ...request, clientToken }),
        decode: decodeUpdateAccepted,
      },
      options,
    );
  }

  private async request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    if (spec.clientToken !== undefined && this.calls.has(spec.clientToken)) {
      throw new InvalidArgumentError('clientToken', 'unique among the calls in flight', spec.clientToken);
    }
    const clientToken = spec.clientToken ?? this.calls.newToken();
    const payload = spec.encode(clientToken);
    const size = Buffer.byteLength(payload);
    if (size > MAX_PAYLOAD_BYTES) throw new InvalidArgumentError('request', `at most ${MAX_PAYLOAD_BYTES} bytes once encoded`, `${size} bytes`);
    this.assertUsable(spec.name, options.signal);
    const key = this.keyOf(spec.target.thingName);
    // Throws InvalidArgumentError past maxSubscriptions, before anything is sent.
    const subscribed = this.registry.acquire(key, this.filtersOf(spec.target.thingName), this.qos, this.maxSubscriptions);

    const call = this.calls.add(spec.name, clientToken, spec.target, spec.decode);
    void this.publishWhenSubscribed(call, subscribed, spec.topic, payload);
    try {
      return await settleWithin(call, { timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal, requestSent: () => call.sent });
    } finally {
      void this.registry.release(key);
      // Debug events are built only when someone listens: they cost on every call.
      if (this.onDebug !== undefined) this.debug({
        type: 'settled',
        operation: spec.target.operation,
        thingName: spec.target.thingName,
        clientToken,
        outcome: call.outcome ?? 'failed',
      });
    }
  }

  /** Subscribe before publish: the reply topics must be in place before the request goes out. */
  private async publishWhenSubscribed<T>(call: PendingCall<T>, subscribed: Promise<void>, topic: string, payload: string): Promise<void> {
    try {
      await subscribed;
      if (call.settled) return;
      if (this.onDebug !== undefined) this.debug({ type: 'publish', topic, clientToken: call.clientToken });
      call.sent = true;
      await this.connection.publish(topic, payload, { qos: this.qos });
    } catch (error) {
      this.failOperation(call, error, call.sent);
    }
  }

  /** True while calls can be sent. */
  private get isOnline(): boolean {
    return !this.closed && !this.ended && !this.disconnected && this.connection.connected !== false;
  }

  /** Calls fail at once when they cannot be sent. */
  private assertUsable(name: string, signal: AbortSignal | undefined): void {
    if (signal?.aborted === true) throw new JobsAbortError(name, { cause: signal.reason });
    if (!this.isOnline) throw new ConnectionClosedError(name);
  }

  private failOperation(operation: Pick<Deferred<unknown>, 'name' | 'fail'>, error: unknown, requestSent = false): void {
    const jobsError =
      error instanceof JobsError
        ? error
        : this.connection.connected === false || this.closed
          ? new ConnectionClosedError(operation.name, { cause: error, requestSent })
          : new JobsError(`${operation.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    operation.fail(jobsError, jobsError instanceof ConnectionClosedError ? 'closed' : 'failed');
  }

  private failInFlight(): void {
    for (const call of this.calls.all()) call.fail(new ConnectionClosedError(call.name, { requestSent: call.sent }), 'closed');
    for (const operation of this.watches) operation.fail(new ConnectionClosedError(operation.name), 'closed');
  }

  // ------------------------------------------------------------ subscriptions

  private keyOf(thingName: string): string {
    return this.mode === 'wildcard' ? ANY_THING : thingName;
  }

  private filtersOf(thingName: string): string[] {
    return thingFilters(this.keyOf(thingName));
  }

  private dropWatch(thingName: string): Promise<void> {
    const count = this.watching.get(thingName);
    if (count === undefined) return Promise.resolve();
    if (count <= 1) this.watching.delete(thingName);
    else this.watching.set(thingName, count - 1);
    return this.registry.release(this.keyOf(thingName));
  }

  /** A persistent private watch of one thing, for Jobs (see internal.ts). */
  private tap(thingName: string, listener: ThingListener): ThingTap {
    if (this.closed || this.ended) throw new ConnectionClosedError(`Jobs(${thingName})`);
    const key = this.keyOf(thingName);
    const acquired = this.registry.acquire(key, this.filtersOf(thingName), this.qos, this.maxSubscriptions);
    this.watching.set(thingName, (this.watching.get(thingName) ?? 0) + 1);
    let listeners = this.taps.get(thingName);
    if (listeners === undefined) {
      listeners = new Set();
      this.taps.set(thingName, listeners);
    }
    listeners.add(listener);
    const first = new Deferred<void>(`subscribe(${thingName})`, () => this.tapWaits.delete(first));
    this.tapWaits.set(first, key);
    first.promise.catch(() => undefined);
    acquired.then(
      () => first.resolve(undefined),
      (error: unknown) => {
        // A refusal is final for this attempt; a drop is retried on the next connect.
        if (error instanceof SubscriptionRefusedErrorClass) first.fail(error, 'failed');
      },
    );
    let stopped = false;
    return {
      subscribed: first.promise,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        first.fail(new ConnectionClosedError(`subscribe(${thingName})`), 'closed');
        const set = this.taps.get(thingName);
        set?.delete(listener);
        if (set?.size === 0) this.taps.delete(thingName);
        if (this.closed) return;
        await this.dropWatch(thingName);
      },
    };
  }

  /** Every tap hears that nothing more will come. */
  private endTaps(): void {
    for (const first of [...this.tapWaits.keys()]) first.fail(new ConnectionClosedError(first.name), 'closed');
    for (const listener of [...this.taps.values()].flatMap((set) => [...set])) this.callTap(listener, (l) => l.ended());
    this.taps.clear();
  }

  private callTap(listener: ThingListener, call: (listener: ThingListener) => void): void {
    try {
      call(listener);
    } catch (error) {
      this.debug({ type: 'listener-error', event: 'error', error });
    }
  }

  // ------------------------------------------------------------ incoming

  private readonly onMessage: MessageListener = (topic, payload) => {
    if (this.closed) return;
    try {
      this.route(topic, payload);
    } catch (error) {
      // Nothing may throw into the MQTT client's message loop.
      this.report(new JobsError(`handling a message on ${topic} failed`, { cause: error }));
    }
  };

  private route(topic: string, payload: Buffer): void {
    const parsed = parseJobsTopic(topic);
    if (parsed === undefined || parsed.kind === 'request') return;
    if (parsed.kind === 'notification') this.routeNotification(topic, parsed.thingName, parsed.notification, payload);
    else this.routeReply(topic, parsed, payload);
  }

  private routeReply(
    topic: string,
    reply: { kind: 'accepted' | 'rejected'; thingName: string; operation: JobsOperation; jobId?: string },
    payload: Buffer,
  ): void {
    // Parsed once: the token is read from, and the reply decoded from, the same object.
    const parsed = parsePayload(payload);
    const token = parsed.ok && typeof parsed.value.clientToken === 'string' ? parsed.value.clientToken : undefined;
    const call = token === undefined ? undefined : this.calls.get(token);
    if (call === undefined || !call.matches(reply)) {
      this.ignoreReply(topic, token, call !== undefined);
      if (!parsed.ok) this.report(new MalformedMessageError(topic, parsed.error));
      return;
    }
    // A call was found by its token, so the payload parsed.
    const body = (parsed as { value: JsonObject }).value;
    if (reply.kind === 'accepted') {
      const decoded = call.decodeAccepted(body);
      if (decoded.ok) call.resolve(decoded.value, 'accepted');
      else this.failMalformed(call, topic, decoded.error);
    } else {
      const decoded = decodeRejected(body);
      if (decoded.ok) call.fail(new JobsRejectedError(decoded.value), 'rejected');
      else this.failMalformed(call, topic, decoded.error);
    }
  }

  private failMalformed(call: PendingCall<unknown>, topic: string, reason: string): void {
    const error = new MalformedMessageError(topic, reason);
    this.debug({ type: 'malformed', error });
    call.fail(error, 'malformed');
  }

  private ignoreReply(topic: string, clientToken: string | undefined, inFlight: boolean): void {
    let reason: IgnoredReplyReason;
    let previousOutcome: Outcome | undefined;
    if (clientToken === undefined) reason = 'no-token';
    else if (inFlight) reason = 'wrong-topic';
    else {
      previousOutcome = this.calls.endOf(clientToken);
      reason = previousOutcome === undefined ? 'unknown-token' : REPLY_OUTCOMES.has(previousOutcome) ? 'duplicate' : 'late';
    }
    this.debug(
      previousOutcome === undefined
        ? { type: 'ignored-reply', topic, clientToken, reason }
        : { type: 'ignored-reply', topic, clientToken, reason, previousOutcome },
    );
  }

  private routeNotification(topic: string, thingName: string, kind: JobsNotification, payload: Buffer): void {
    if (!this.watching.has(thingName)) {
      this.debug({ type: 'ignored-notification', topic, thingName });
      return;
    }
    const listeners = this.taps.get(thingName);
    if (kind === 'notify') {
      const decoded = decodeJobExecutionsChanged(payload);
      if (!decoded.ok) return this.report(new MalformedMessageError(topic, decoded.error));
      if (listeners !== undefined) for (const listener of [...listeners]) this.callTap(listener, (l) => l.notify(decoded.value));
      this.emit('notify', { thingName, notification: decoded.value });
    } else {
      const decoded = decodeNextJobExecutionChanged(payload);
      if (!decoded.ok) return this.report(new MalformedMessageError(topic, decoded.error));
      if (listeners !== undefined) for (const listener of [...listeners]) this.callTap(listener, (l) => l.next(decoded.value));
      this.emit('notify-next', { thingName, notification: decoded.value });
    }
  }

  private readonly onClose: CloseListener = () => {
    if (this.closed) return;
    this.disconnected = true;
    this.failInFlight();
  };

  /** The connection ended for good (`end()` on the MQTT client): like a close of the client, for whoever waits. */
  private readonly onEnd = (): void => {
    if (this.closed || this.ended) return;
    this.ended = true;
    this.disconnected = true;
    this.failInFlight();
    this.endTaps();
  };

  /** The registry renewed (or is renewing) the subscriptions after a CONNACK. */
  private onReconnected(sessionPresent: boolean, done: Promise<Error[]>): void {
    if (this.closed || this.ended) return;
    this.disconnected = false;
    void done.then((errors) => {
      if (this.closed || this.ended) return;
      for (const error of errors) this.report(error instanceof JobsError ? error : new JobsError('re-subscribe failed', { cause: error }));
      for (const [first, key] of [...this.tapWaits]) if (this.registry.isSubscribed(key)) first.resolve(undefined);
      for (const listener of [...this.taps.values()].flatMap((set) => [...set])) this.callTap(listener, (l) => l.reconnect(sessionPresent));
      this.emit('reconnect', { sessionPresent });
    });
  }

  // ------------------------------------------------------------ reporting

  private report(error: JobsError): void {
    if (error instanceof MalformedMessageError) this.debug({ type: 'malformed', error });
    this.emit('error', error);
  }

  /** Emits; a listener's exception is contained by the emitter and reported through {@link JobsClient.listenerThrew}. */
  private emit<K extends keyof JobsClientEvents>(type: K, event: JobsClientEvents[K]): void {
    this.events.emit(type, event);
  }

  private listenerThrew(type: keyof JobsClientEvents, error: unknown): void {
    this.debug({ type: 'listener-error', event: type, error });
    if (type !== 'error') this.emit('error', new JobsError(`a '${type}' listener threw`, { cause: error }));
  }

  /** Checks `options` against those this client was made with (for {@link JobsClient.for}). */
  private assertSameOptions(options: JobsClientOptions): void {
    assertClientOptions(options);
    const differs = (field: string, given: unknown, actual: unknown): void => {
      if (given !== undefined && given !== actual) {
        throw new InvalidArgumentError(field, `the ${JSON.stringify(actual)} of the client already shared on this connection (JobsClient.for)`, given);
      }
    };
    differs('timeoutMs', options.timeoutMs, this.timeoutMs);
    differs('subscriptions', options.subscriptions, this.mode);
    differs('qos', options.qos, this.qos);
    differs('maxSubscriptions', options.maxSubscriptions, this.maxSubscriptions);
    differs('onDebug', options.onDebug, this.onDebug);
  }

  private debug(event: JobsClientDebugEvent): void {
    if (this.onDebug === undefined) return;
    try {
      this.onDebug(event);
    } catch {
      // A debug hook must not change what the client does.
    }
  }
}

/** Outcomes caused by a reply: another reply with the same token is a duplicate. */
const REPLY_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['accepted', 'rejected', 'malformed']);

/** @throws {@link InvalidArgumentError} for options that are not {@link JobsClientOptions}. */
function assertClientOptions(options: unknown): asserts options is JobsClientOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidArgumentError('options', 'an object', options);
  const { timeoutMs, subscriptions, qos, maxSubscriptions, onDebug } = options as JobsClientOptions;
  if (timeoutMs !== undefined) assertTimeoutMs(timeoutMs);
  if (subscriptions !== undefined && subscriptions !== 'per-thing' && subscriptions !== 'wildcard') {
    throw new InvalidArgumentError('subscriptions', "'per-thing' or 'wildcard'", subscriptions);
  }
  if (qos !== undefined && qos !== 0 && qos !== 1) throw new InvalidArgumentError('qos', '0 or 1', qos);
  if (maxSubscriptions !== undefined && !(maxSubscriptions === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxSubscriptions) && maxSubscriptions >= 6))) {
    throw new InvalidArgumentError('maxSubscriptions', 'an integer of 6 or more, or Infinity', maxSubscriptions);
  }
  if (onDebug !== undefined && typeof onDebug !== 'function') throw new InvalidArgumentError('onDebug', 'a function', onDebug);
}

/** Adds or removes an `end` listener: async-mqtt and mqtt.js emit `end` when the client is ended for good (not part of {@link MqttConnection}). */
function onEnd(connection: MqttConnection, method: 'on' | 'off', listener: () => void): void {
  const events = connection as unknown as Record<'on' | 'off', (event: string, listener: () => void) => unknown>;
  try {
    events[method]('end', listener);
  } catch {
    // A connection that knows no 'end' simply never ends for good.
  }
}

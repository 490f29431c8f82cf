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
} from '../errors.js';
import type { IgnoredReplyReason, JobsClientDebugEvent, JobsClientEvents } from './client-events.js';
import type { CloseListener, ConnectListener, JobsQoS, MessageListener, MqttConnection } from '../mqtt/connection.js';
import { settleWithin } from './deadline.js';
import { Deferred, type Outcome } from './deferred.js';
import { createEmitter, type Emitter } from '../util/emitter.js';
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
import { Subscriptions } from './subscriptions.js';
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

/**
 * The low-level AWS IoT Jobs client. One client serves any number of things
 * (the thing name is part of each call) and settles every call exactly once:
 * accepted (resolves with the decoded reply), rejected
 * ({@link JobsRejectedError}), timed out ({@link JobsTimeoutError}), aborted
 * ({@link JobsAbortError}), or cut by a closed client or connection
 * ({@link ConnectionClosedError}).
 */
export class JobsClient {
  /**
   * The client shared by everyone on `connection`, created on first use, so
   * that every Jobs object on a connection shares its subscriptions and its
   * correlation table. A closed shared client is replaced.
   * @param options - used only when the shared client is created.
   */
  static for(connection: MqttConnection, options?: JobsClientOptions): JobsClient {
    const existing = SHARED.get(connection);
    if (existing !== undefined && !existing.closed) return existing;
    const client = new JobsClient(connection, options);
    SHARED.set(connection, client);
    return client;
  }

  /** The connection this client runs over. */
  readonly connection: MqttConnection;
  /** `notify`, `notify-next` (of watched things), `reconnect`, `error`. */
  readonly events: Emitter<JobsClientEvents> = createEmitter<JobsClientEvents>();

  private readonly timeoutMs: number;
  private readonly mode: 'per-thing' | 'wildcard';
  private readonly qos: JobsQoS;
  private readonly onDebug: ((event: JobsClientDebugEvent) => void) | undefined;
  private readonly calls = new PendingCalls();
  private readonly subscriptions: Subscriptions;
  /** Watch count per thing. */
  private readonly watching = new Map<string, number>();
  /** watch() calls waiting for their SUBACK. */
  private readonly watches = new Set<Deferred<void>>();
  private closed = false;
  /** A 'close' came and no 'connect' yet. */
  private disconnected = false;

  /**
   * @param connection - an async-mqtt client, `fromMqttJs(mqttJsClient)`, or any {@link MqttConnection}.
   * @throws {@link InvalidArgumentError} for invalid options.
   */
  constructor(connection: MqttConnection, options: JobsClientOptions = {}) {
    if (options.timeoutMs !== undefined) assertTimeoutMs(options.timeoutMs);
    if (options.subscriptions !== undefined && options.subscriptions !== 'per-thing' && options.subscriptions !== 'wildcard') {
      throw new InvalidArgumentError('subscriptions', "'per-thing' or 'wildcard'", options.subscriptions);
    }
    if (options.qos !== undefined && options.qos !== 0 && options.qos !== 1) throw new InvalidArgumentError('qos', '0 or 1', options.qos);
    this.connection = connection;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.mode = options.subscriptions ?? 'per-thing';
    this.qos = options.qos ?? 1;
    this.onDebug = options.onDebug;
    this.subscriptions = new Subscriptions(connection, this.qos, (event) => this.debug(event));
    connection.on('message', this.onMessage);
    connection.on('connect', this.onConnect);
    connection.on('close', this.onClose);
  }

  /** Topic filters currently granted to this client (six per thing in use, or six in all in the wildcard mode). */
  get subscriptionCount(): number {
    return this.subscriptions.count;
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

  /**
   * Subscribes to the thing's `notify` and `notify-next` (and its replies) and
   * emits them as events. Reference-counted: each watch needs one
   * {@link JobsClient.unwatch}; a second watch sends nothing new.
   * @throws {@link SubscriptionRefusedError} when the broker refuses a filter;
   *   {@link JobsTimeoutError}, {@link JobsAbortError}, {@link ConnectionClosedError}, {@link InvalidArgumentError}.
   */
  async watch(thingName: string, options: CallOptions = {}): Promise<void> {
    assertThingName(thingName);
    assertCallOptions(options);
    const name = `watch(${thingName})`;
    this.assertUsable(name, options.signal);
    this.watching.set(thingName, (this.watching.get(thingName) ?? 0) + 1);
    const operation = new Deferred<void>(name, () => this.watches.delete(operation));
    this.watches.add(operation);
    this.subscriptions.acquire(this.keyOf(thingName), this.filtersOf(thingName)).then(
      () => operation.resolve(undefined),
      (error: unknown) => this.failOperation(operation, error),
    );
    try {
      await settleWithin(operation, options.timeoutMs ?? this.timeoutMs, options.signal);
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
   * `events`) is removed, and the client's filters are unsubscribed when the
   * connection is up. The connection itself stays open. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.off('message', this.onMessage);
    this.connection.off('connect', this.onConnect);
    this.connection.off('close', this.onClose);
    if (SHARED.get(this.connection) === this) SHARED.delete(this.connection);
    const filters = this.subscriptions.close();
    this.failInFlight();
    this.watching.clear();
    this.events.all.clear();
    if (filters.length === 0 || this.disconnected || this.connection.connected === false) return;
    try {
      await this.connection.unsubscribe(filters);
      this.debug({ type: 'unsubscribe', filters });
    } catch (error) {
      this.debug({ type: 'unsubscribe-failed', filters, error });
    }
  }

  // ------------------------------------------------------------ requests

  private async request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    if (spec.clientToken !== undefined && this.calls.has(spec.clientToken)) {
      throw new InvalidArgumentError('clientToken', 'unique among the calls in flight', spec.clientToken);
    }
    const clientToken = spec.clientToken ?? this.calls.newToken();
    const payload = spec.encode(clientToken);
    const size = Buffer.byteLength(payload);
    if (size > MAX_PAYLOAD_BYTES) throw new InvalidArgumentError('request', `at most ${MAX_PAYLOAD_BYTES} bytes once encoded`, `${size} bytes`);
    this.assertUsable(spec.name, options.signal);

    const call = this.calls.add(spec.name, clientToken, spec.target, spec.decode);
    const key = this.keyOf(spec.target.thingName);
    const subscribed = this.subscriptions.acquire(key, this.filtersOf(spec.target.thingName));
    void this.publishWhenSubscribed(call, subscribed, spec.topic, payload);
    try {
      return await settleWithin(call, options.timeoutMs ?? this.timeoutMs, options.signal);
    } finally {
      void this.subscriptions.release(key);
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
      await this.connection.publish(topic, payload, { qos: this.qos });
    } catch (error) {
      this.failOperation(call, error);
    }
  }

  /** Calls fail at once when they cannot be sent. */
  private assertUsable(name: string, signal: AbortSignal | undefined): void {
    if (signal?.aborted === true) throw new JobsAbortError(name, { cause: signal.reason });
    if (this.closed || this.disconnected || this.connection.connected === false) throw new ConnectionClosedError(name);
  }

  private failOperation(operation: Pick<Deferred<unknown>, 'name' | 'fail'>, error: unknown): void {
    const jobsError =
      error instanceof JobsError
        ? error
        : this.connection.connected === false || this.closed
          ? new ConnectionClosedError(operation.name, { cause: error })
          : new JobsError(`${operation.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    operation.fail(jobsError, jobsError instanceof ConnectionClosedError ? 'closed' : 'failed');
  }

  private failInFlight(): void {
    for (const operation of [...this.calls.all(), ...this.watches]) {
      operation.fail(new ConnectionClosedError(operation.name), 'closed');
    }
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
    return this.subscriptions.release(this.keyOf(thingName));
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
    if (kind === 'notify') {
      const decoded = decodeJobExecutionsChanged(payload);
      if (decoded.ok) this.emit('notify', { thingName, notification: decoded.value });
      else this.report(new MalformedMessageError(topic, decoded.error));
    } else {
      const decoded = decodeNextJobExecutionChanged(payload);
      if (decoded.ok) this.emit('notify-next', { thingName, notification: decoded.value });
      else this.report(new MalformedMessageError(topic, decoded.error));
    }
  }

  private readonly onClose: CloseListener = () => {
    if (this.closed) return;
    this.disconnected = true;
    this.failInFlight();
  };

  private readonly onConnect: ConnectListener = (connack) => {
    if (this.closed || !this.disconnected) return;
    this.disconnected = false;
    // Some connections emit 'connect' without the CONNACK: that reads as a lost session.
    const sessionPresent = (connack as { sessionPresent?: boolean } | undefined)?.sessionPresent === true;
    const { filters, done } = this.subscriptions.resubscribe(sessionPresent);
    this.debug({ type: 'resubscribe', sessionPresent, filters });
    void done.then((errors) => {
      if (this.closed) return;
      for (const error of errors) this.report(error instanceof JobsError ? error : new JobsError('re-subscribe failed', { cause: error }));
      this.emit('reconnect', { sessionPresent });
    });
  };

  // ------------------------------------------------------------ reporting

  private report(error: JobsError): void {
    if (error instanceof MalformedMessageError) this.debug({ type: 'malformed', error });
    this.emit('error', error);
  }

  /** Emits without letting a listener's exception escape into the MQTT client. */
  private emit<K extends keyof JobsClientEvents>(type: K, event: JobsClientEvents[K]): void {
    try {
      this.events.emit(type, event);
    } catch (error) {
      this.debug({ type: 'listener-error', event: type, error });
      if (type !== 'error') this.emit('error', new JobsError(`a '${type}' listener threw`, { cause: error }));
    }
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

/**
 * The Commands engine of one MQTT connection (docs/commands.md §4,
 * docs/commands.md §5): subscriptions (in the connection's shared
 * {@link SubscriptionRegistry}, with the Jobs clients: reference-counted,
 * renewed after a reconnect), routing of incoming requests to the devices that listen, and
 * the device's responses with their accepted/rejected replies. The replies
 * carry no clientToken, so responses for one execution go one at a time.
 * @packageDocumentation
 */

import { DEFAULT_TIMEOUT_MS } from '../client/jobs-client.js';
import { settleWithin } from '../client/deadline.js';
import { Deferred } from '../client/deferred.js';
import { SubscriptionRegistry } from '../client/subscription-registry.js';
import { ConnectionClosedError, JobsError, MalformedMessageError } from '../errors.js';
import type { ConnectListener, JobsQoS, MqttConnection } from '../mqtt/connection.js';
import { decodeCommandAccepted, decodeCommandRejected, encodeCommandResponse } from '../protocol/commands/codec.js';
import type { CommandDeviceType } from '../protocol/commands/rules.js';
import type { CommandResponse } from '../protocol/commands/shapes.js';
import {
  commandReplyFilter,
  commandRequestFilter,
  commandResponseTopic,
  parseCommandTopic,
  type CommandPayloadFormat,
  type CommandResponseFormat,
} from '../protocol/commands/topics.js';
import { createEmitter, type Emitter } from '../util/emitter.js';
import { CommandRejectedError } from './command-errors.js';

/** A request as it arrived. */
export interface IncomingCommand {
  /** `things` or `clients`. */
  deviceType: CommandDeviceType;
  /** The thing name or client id the topic names. */
  deviceId: string;
  /** The execution. */
  executionId: string;
  /** The request topic's format. */
  format: CommandPayloadFormat;
  /** The payload bytes. */
  payload: Buffer;
  /** The MQTT 5 content type, when the connection carries it. */
  contentType: string | undefined;
  /** The MQTT 5 message expiry interval (AWS sends the execution timeout there), when carried. */
  expirySeconds: number | undefined;
}

/** Options of {@link CommandsClient}. */
export interface CommandsClientOptions {
  /** Default timeout of a response's reply. @defaultValue 10000 */
  timeoutMs?: number;
  /** QoS of subscriptions and responses. @defaultValue 1 */
  qos?: JobsQoS;
  /**
   * `per-device`: filters per device. `wildcard`: filters with `+` for the
   * device id, shared by every device of the connection (a gateway).
   * @defaultValue 'per-device'
   */
  subscriptions?: 'per-device' | 'wildcard';
}

/** Events of a {@link CommandsClient}. */
export type CommandsClientEvents = {
  /** Something went wrong outside any call (a malformed reply, a failed re-subscribe). */
  error: JobsError;
  /** The connection came back and the subscriptions were renewed. */
  reconnect: {
    /** Whether the broker kept the session. */
    sessionPresent: boolean;
  };
};

/** Per-call options. */
export interface CommandCallOptions {
  /** @defaultValue the client's timeout */
  timeoutMs?: number;
  /** Aborts the wait (the response may still have been sent). */
  signal?: AbortSignal;
}

/** Receives the requests of one device. */
export type CommandReceiver = (command: IncomingCommand) => void;

interface MessagePacket {
  properties?: { contentType?: string; messageExpiryInterval?: number };
}

const clients = new WeakMap<MqttConnection, CommandsClient>();

/** The Commands engine of one connection. Use {@link CommandsClient.for} to share it. */
export class CommandsClient {
  /** Typed events. */
  readonly events: Emitter<CommandsClientEvents> = createEmitter<CommandsClientEvents>();
  /** The default reply timeout. */
  readonly timeoutMs: number;
  /** The subscription mode. */
  readonly mode: 'per-device' | 'wildcard';
  private readonly registry: SubscriptionRegistry;
  private readonly detachRegistry: () => void;
  /** Keys this client holds in the registry, with how many references. */
  private readonly held = new Map<string, number>();
  private readonly receivers = new Map<string, Set<CommandReceiver>>();
  private readonly waiting = new Map<string, Deferred<void>>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly qos: JobsQoS;
  private disconnected = false;
  private closed = false;
  private users = 0;
  private shared = false;

  /** The client shared by every Commands face on `connection` (made on first use with `options`). */
  static for(connection: MqttConnection, options: CommandsClientOptions = {}): CommandsClient {
    let client = clients.get(connection);
    if (client === undefined) {
      client = new CommandsClient(connection, options);
      client.shared = true;
      clients.set(connection, client);
    }
    return client;
  }

  /** @param connection - the MQTT connection. @param options - timeouts, QoS, subscription mode. */
  constructor(
    private readonly connection: MqttConnection,
    options: CommandsClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.qos = options.qos ?? 1;
    this.mode = options.subscriptions ?? 'per-device';
    // The connection's one registry, shared with the Jobs clients on it (reference-counted per key).
    this.registry = SubscriptionRegistry.for(connection);
    this.detachRegistry = this.registry.attach({
      debug: () => undefined,
      reconnected: (sessionPresent, done) => {
        void done.then((errors) => {
          for (const error of errors) this.events.emit('error', error instanceof JobsError ? error : new JobsError(String(error), { cause: error }));
          this.events.emit('reconnect', { sessionPresent });
        });
      },
    });
    connection.on('message', this.onMessage);
    connection.on('connect', this.onConnect);
    connection.on('close', this.onClose);
  }

  /** True while the connection is up and this client open. */
  get online(): boolean {
    return !this.closed && !this.disconnected && this.connection.connected !== false;
  }

  /** Filters this client holds that are currently granted. */
  get subscriptionCount(): number {
    let count = 0;
    for (const key of this.held.keys()) if (this.registry.isSubscribed(key)) count += this.filterCounts.get(key) ?? 0;
    return count;
  }

  private readonly filterCounts = new Map<string, number>();

  /**
   * Subscribes (reference-counted) to a device's requests in `formats` and to
   * the replies to its responses. Resolves once granted.
   * @throws {@link SubscriptionRefusedError}, {@link ConnectionClosedError}
   */
  watch(deviceType: CommandDeviceType, deviceId: string, formats: readonly CommandPayloadFormat[]): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('CommandsClient.watch'));
    const { key, filters } = this.filtersOf(deviceType, deviceId, formats);
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
    this.filterCounts.set(key, filters.length);
    return this.registry.acquire(key, filters, this.qos);
  }

  /** Drops one reference taken by {@link CommandsClient.watch}. Never rejects. */
  unwatch(deviceType: CommandDeviceType, deviceId: string, formats: readonly CommandPayloadFormat[]): Promise<void> {
    const { key } = this.filtersOf(deviceType, deviceId, formats);
    const refs = this.held.get(key) ?? 0;
    if (refs === 0) return Promise.resolve();
    if (refs === 1) this.held.delete(key);
    else this.held.set(key, refs - 1);
    return this.registry.release(key);
  }

  /** Delivers the device's requests to `receiver`. @returns a function that stops it. */
  receive(deviceType: CommandDeviceType, deviceId: string, receiver: CommandReceiver): () => void {
    if (this.closed) throw new ConnectionClosedError('CommandsClient.receive');
    const key = `${deviceType}/${deviceId}`;
    let set = this.receivers.get(key);
    if (set === undefined) this.receivers.set(key, (set = new Set()));
    set.add(receiver);
    this.users += 1;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      set.delete(receiver);
      if (set.size === 0) this.receivers.delete(key);
      this.users -= 1;
      // The shared client of a connection goes away with its last user: no listener is left behind.
      if (this.users === 0 && this.shared) this.close();
    };
  }

  /**
   * Removes every listener from the connection, fails replies in flight with
   * {@link ConnectionClosedError} and unsubscribes what is still granted.
   * The shared client closes itself when its last `Commands` closes.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.off('message', this.onMessage);
    this.connection.off('connect', this.onConnect);
    this.connection.off('close', this.onClose);
    if (clients.get(this.connection) === this) clients.delete(this.connection);
    for (const call of [...this.waiting.values()]) call.fail(new ConnectionClosedError(call.name), 'closed');
    // Whatever this client still holds goes back to the registry (which unsubscribes what nobody else uses).
    for (const [key, refs] of [...this.held]) for (let i = 0; i < refs; i++) void this.registry.release(key);
    this.held.clear();
    this.detachRegistry();
    this.receivers.clear();
  }

  /**
   * Publishes a response (UpdateCommandExecution) and waits for its reply.
   * Responses for one execution are sent one after the other.
   * @throws {@link CommandRejectedError}, {@link JobsTimeoutError}, {@link JobsAbortError}, {@link ConnectionClosedError}, {@link MalformedMessageError}
   */
  respond(
    deviceType: CommandDeviceType,
    deviceId: string,
    executionId: string,
    format: CommandResponseFormat,
    response: CommandResponse,
    options: CommandCallOptions = {},
  ): Promise<void> {
    const key = `${deviceType}/${deviceId}/${executionId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.respondNow(key, deviceType, deviceId, executionId, format, response, options));
    const tail = run.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  private async respondNow(
    key: string,
    deviceType: CommandDeviceType,
    deviceId: string,
    executionId: string,
    format: CommandResponseFormat,
    response: CommandResponse,
    options: CommandCallOptions,
  ): Promise<void> {
    const name = `respond(${executionId}, ${response.status})`;
    if (this.closed || this.disconnected || this.connection.connected === false) throw new ConnectionClosedError(name);
    const call = new Deferred<void>(name, () => {
      if (this.waiting.get(key) === call) this.waiting.delete(key);
    });
    this.waiting.set(key, call);
    this.connection.publish(commandResponseTopic(deviceType, deviceId, executionId, format), Buffer.from(encodeCommandResponse(format, response)), { qos: this.qos }).catch((error: unknown) => {
      call.fail(this.disconnected ? new ConnectionClosedError(name, { cause: error }) : new JobsError(`${name}: publish failed`, { cause: error }), 'failed');
    });
    await settleWithin(call, { timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal, requestSent: () => true });
  }

  private filtersOf(deviceType: CommandDeviceType, deviceId: string, formats: readonly CommandPayloadFormat[]): { key: string; filters: string[] } {
    const id = this.mode === 'wildcard' ? '+' : deviceId;
    const sorted = [...new Set(formats)].sort();
    const replies: CommandResponseFormat[] = sorted.includes('cbor') ? ['cbor', 'json'] : ['json'];
    const filters = [...sorted.map((format) => commandRequestFilter(deviceType, id, format)), ...replies.map((format) => commandReplyFilter(deviceType, id, format))];
    return { key: `commands:${deviceType}/${id}/${sorted.join(',')}`, filters };
  }

  private readonly onMessage = (topic: string, payload: Buffer, packet?: MessagePacket): void => {
    if (this.closed) return;
    try {
      this.route(topic, payload, packet);
    } catch (error) {
      // Nothing may throw into the MQTT client's message loop.
      this.events.emit('error', new JobsError(`handling a message on ${topic} failed`, { cause: error }));
    }
  };

  private route(topic: string, payload: Buffer, packet: MessagePacket | undefined): void {
    const parsed = parseCommandTopic(topic);
    if (parsed === undefined || parsed.kind === 'response') return;
    if (parsed.kind === 'request') {
      const receivers = this.receivers.get(`${parsed.deviceType}/${parsed.deviceId}`);
      if (receivers === undefined) return;
      const command: IncomingCommand = {
        deviceType: parsed.deviceType,
        deviceId: parsed.deviceId,
        executionId: parsed.executionId,
        format: parsed.format,
        payload,
        contentType: packet?.properties?.contentType,
        expirySeconds: packet?.properties?.messageExpiryInterval,
      };
      for (const receiver of [...receivers]) receiver(command);
      return;
    }
    const call = this.waiting.get(`${parsed.deviceType}/${parsed.deviceId}/${parsed.executionId}`);
    const format = parsed.format === 'cbor' ? 'cbor' : 'json';
    if (parsed.kind === 'accepted') {
      const decoded = decodeCommandAccepted(format, payload);
      if (!decoded.ok) return this.malformed(call, topic, decoded.error);
      call?.resolve(undefined, 'accepted');
    } else {
      const decoded = decodeCommandRejected(format, payload);
      if (!decoded.ok) return this.malformed(call, topic, decoded.error);
      call?.fail(new CommandRejectedError(decoded.value), 'rejected');
    }
  }

  private malformed(call: Deferred<void> | undefined, topic: string, reason: string): void {
    const error = new MalformedMessageError(topic, reason);
    if (call === undefined) this.events.emit('error', error);
    else call.fail(error, 'malformed');
  }

  private readonly onClose = (): void => {
    this.disconnected = true;
    for (const call of [...this.waiting.values()]) call.fail(new ConnectionClosedError(call.name), 'closed');
  };

  private readonly onConnect: ConnectListener = () => {
    this.disconnected = false;
  };
}

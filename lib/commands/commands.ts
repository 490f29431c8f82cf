/**
 * `Commands`: the AWS IoT Commands a device receives, awaitable.
 *
 * ```ts
 * const commands = new Commands(new Thing('my-thing', client));
 * for await (const execution of commands) {
 *   const { valve } = execution.decoded<{ valve: string }>();
 *   await execution.reply('SUCCEEDED', { result: { valve: { s: valve } } });
 * }
 * ```
 * @packageDocumentation
 */

import { assertThingName, assertTimeoutMs } from '../client/arguments.js';
import { timerMs } from '../client/deadline.js';
import { ConnectionClosedError, InvalidArgumentError, JobsAbortError, JobsTimeoutError } from '../errors.js';
import type { MqttConnection } from '../mqtt/connection.js';
import { isValidCommandClientId, type CommandDeviceType } from '../protocol/commands/rules.js';
import { COMMAND_PAYLOAD_FORMATS, type CommandPayloadFormat } from '../protocol/commands/topics.js';
import type { ThingLike } from '../thing.js';
import { CommandTimeoutError } from './command-errors.js';
import { CommandExecution } from './command-execution.js';
import { CommandsClient, type CommandCallOptions, type CommandsClientOptions, type IncomingCommand } from './commands-client.js';

/** An MQTT client target: a device not registered as a thing. */
export interface CommandsClientTarget {
  /** The MQTT client id the commands are addressed to. */
  readonly clientId: string;
  /** The connection. */
  readonly connection: MqttConnection;
}

/** Options of {@link Commands}. */
export interface CommandsOptions extends CommandsClientOptions {
  /** The request formats to subscribe to. @defaultValue ['json', 'cbor', 'generic'] */
  formats?: readonly CommandPayloadFormat[];
  /**
   * How long the device has for each execution when the message does not say
   * (MQTT 3.1.1 carries no expiry): the execution's `signal` aborts with
   * {@link CommandTimeoutError} after it. Match the executions'
   * `executionTimeoutSeconds`. @defaultValue no local limit
   */
  executionTimeoutMs?: number;
  /** The engine to use; by default the one shared on the connection. */
  client?: CommandsClient;
}

/** How many execution ids are remembered to drop duplicate deliveries. */
const SEEN_LIMIT = 1000;

/**
 * The commands of one device (a thing, or an MQTT client id). Construction
 * subscribes (see {@link Commands.ready}); executions queue until taken with
 * {@link Commands.next} or `for await`.
 */
export class Commands implements AsyncIterable<CommandExecution> {
  /** `things` or `clients`. */
  readonly deviceType: CommandDeviceType;
  /** The thing name or client id. */
  readonly deviceId: string;
  /** The engine underneath (shared per connection). */
  readonly client: CommandsClient;
  private readonly formats: readonly CommandPayloadFormat[];
  private readonly executionTimeoutMs: number | undefined;
  private readonly queue: CommandExecution[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly seen = new Set<string>();
  private readonly live = new Map<CommandExecution, ReturnType<typeof setTimeout> | undefined>();
  private readonly stopReceiving: () => void;
  private readonly subscribed: Promise<void>;
  private closed = false;

  /**
   * @param target - a {@link ThingLike} (commands for `things/<thingName>`) or a {@link CommandsClientTarget} (`clients/<clientId>`).
   * @throws {@link InvalidArgumentError} for a bad name, formats or timeout.
   */
  constructor(target: ThingLike | CommandsClientTarget, options: CommandsOptions = {}) {
    if ('thingName' in target) {
      assertThingName(target.thingName);
      this.deviceType = 'things';
      this.deviceId = target.thingName;
    } else {
      if (!isValidCommandClientId(target.clientId)) throw new InvalidArgumentError('clientId', '1-128 characters with no /, +, # or control characters', target.clientId);
      this.deviceType = 'clients';
      this.deviceId = target.clientId;
    }
    this.formats = options.formats ?? COMMAND_PAYLOAD_FORMATS;
    if (this.formats.length === 0 || this.formats.some((format) => !COMMAND_PAYLOAD_FORMATS.includes(format))) {
      throw new InvalidArgumentError('formats', "a non-empty list of 'json', 'cbor', 'generic'", this.formats);
    }
    if (options.executionTimeoutMs !== undefined) assertTimeoutMs(options.executionTimeoutMs, 'executionTimeoutMs');
    this.executionTimeoutMs = options.executionTimeoutMs;
    this.client = options.client ?? CommandsClient.for(target.connection, options);
    this.stopReceiving = this.client.receive(this.deviceType, this.deviceId, (incoming) => this.arrive(incoming));
    this.subscribed = this.client.watch(this.deviceType, this.deviceId, this.formats);
    this.subscribed.catch(() => undefined); // kept for `ready`; never an unhandled rejection
  }

  /** Resolves once the subscriptions are in place; rejects if the broker refused them. */
  get ready(): Promise<void> {
    return this.subscribed;
  }

  /** Executions received and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * The next execution, waiting for one if none is queued.
   * @throws {@link JobsTimeoutError} after `timeoutMs` (default: wait for ever); {@link JobsAbortError}; {@link ConnectionClosedError} once closed.
   */
  async next(options: CommandCallOptions = {}): Promise<CommandExecution> {
    if (options.timeoutMs !== undefined) assertTimeoutMs(options.timeoutMs);
    for (;;) {
      if (this.closed) throw new ConnectionClosedError(`Commands(${this.deviceId}).next`);
      const head = this.queue.shift();
      if (head !== undefined) return head;
      if (options.signal?.aborted) throw new JobsAbortError('next', { cause: options.signal.reason });
      await this.wait(options);
    }
  }

  /** Yields executions as they arrive, until {@link Commands.close}. */
  async *[Symbol.asyncIterator](): AsyncIterator<CommandExecution> {
    for (;;) {
      try {
        yield await this.next();
      } catch (error) {
        if (error instanceof ConnectionClosedError && this.closed) return;
        throw error;
      }
    }
  }

  /**
   * Stops receiving, unsubscribes, aborts the `signal` of every execution not
   * yet finished and settles every `next()` with {@link ConnectionClosedError}.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    for (const execution of [...this.live.keys()]) this.finish(execution, new ConnectionClosedError(`command execution ${execution.executionId}`));
    this.queue.length = 0;
    // The release queues behind a SUBSCRIBE still in flight. With the connection down, SUBSCRIBE and
    // UNSUBSCRIBE wait for a reconnect that may never come: then close() does not wait for them.
    const released = this.client.unwatch(this.deviceType, this.deviceId, this.formats);
    if (this.client.online) await Promise.all([this.subscribed.catch(() => undefined), released]);
    // Last: the shared engine goes away with its last user, taking its listeners off the connection.
    this.stopReceiving();
  }

  private arrive(incoming: IncomingCommand): void {
    if (this.closed || !this.formats.includes(incoming.format)) return;
    // QoS 1 and the service may deliver a request twice: one execution, one object.
    if (this.seen.has(incoming.executionId)) return;
    this.seen.add(incoming.executionId);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value ?? '');
    const limitMs = incoming.expirySeconds !== undefined ? incoming.expirySeconds * 1000 : this.executionTimeoutMs;
    const execution = new CommandExecution(this.client, incoming, limitMs);
    const timer = limitMs === undefined || timerMs(limitMs) === Number.POSITIVE_INFINITY ? undefined : setTimeout(() => this.finish(execution, new CommandTimeoutError(execution.executionId, limitMs)), limitMs);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.live.set(execution, timer);
    execution.signal.addEventListener('abort', () => this.forget(execution), { once: true });
    this.queue.push(execution);
    for (const wake of [...this.waiters]) wake();
  }

  /** Aborts an execution's signal and forgets it. */
  private finish(execution: CommandExecution, reason: Error): void {
    if (!execution.done) execution.abort(reason);
    this.forget(execution);
  }

  private forget(execution: CommandExecution): void {
    const timer = this.live.get(execution);
    if (timer !== undefined) clearTimeout(timer);
    this.live.delete(execution);
  }

  private wait(options: CommandCallOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        this.waiters.delete(wake);
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const wake = (): void => {
        done();
        resolve();
      };
      const onAbort = (): void => {
        done();
        reject(new JobsAbortError('next', { cause: options.signal?.reason }));
      };
      this.waiters.add(wake);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const limit = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : timerMs(options.timeoutMs);
      if (limit !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          done();
          reject(new JobsTimeoutError('next', options.timeoutMs ?? 0));
        }, limit);
      }
    });
  }
}

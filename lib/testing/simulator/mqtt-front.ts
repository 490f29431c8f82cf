/**
 * The MQTT face of the simulator, independent of how it is attached: maps a
 * request topic to an operation (docs/protocol.md §2), parses the payload (docs/protocol.md §3),
 * answers on `<request>/accepted` or `<request>/rejected` with `timestamp` and
 * the echoed `clientToken`, applies reply faults, and publishes notifications
 * after the reply of the request that caused them.
 * @packageDocumentation
 */

import type { RejectedErrorCode } from '../../protocol/shapes.js';
import { MAX_PAYLOAD_BYTES } from '../../protocol/codec.js';
import { acceptedTopic, notifyNextTopic, notifyTopic, isJobsRequestCandidate, parseJobsTopic, rejectedTopic, type JobsOperation } from '../../protocol/topics.js';
import { toDeviceSeconds, type SimulatorClock } from './clock.js';
import type { DeviceError, DeviceResult } from './device-api.js';
import type { SimulatorFaults } from './faults.js';
import { DEFAULT_DELIVERY_LIMITS, NotificationOutbox, type DeliveryLimits } from './notification-outbox.js';
import type { NotificationKind, NotificationSink } from './notifier.js';

/** What the front needs from the simulator. */
export interface FrontTarget {
  readonly clock: SimulatorClock;
  readonly faults: SimulatorFaults;
  /** Flow control of notifications. @defaultValue {@link DEFAULT_DELIVERY_LIMITS} */
  readonly delivery?: DeliveryLimits;
  /** Runs one device operation. */
  run(thingName: string, operation: JobsOperation, jobId: string | undefined, request: unknown): DeviceResult<object>;
  /** Subscribes to notification decisions; returns the unsubscribe function. */
  onNotifications(sink: NotificationSink): () => void;
  /** The payload of a notification, from the thing's current state. */
  render(kind: NotificationKind, thingName: string): object;
}

/** Sends one MQTT message; must not throw. */
export type Send = (topic: string, payload: string) => void;

/** One attachment's protocol logic. */
export class MqttFront {
  private readonly outbox: NotificationOutbox;
  private readonly delays = new Set<unknown>();
  private readonly unsubscribe: () => void;
  private closed = false;

  /**
   * @param target - the simulator.
   * @param publishNotification - publishes a notification through the broker to its subscribers.
   */
  constructor(
    private readonly target: FrontTarget,
    publishNotification: (topic: string, payload: string, done: () => void) => void,
  ) {
    this.outbox = new NotificationOutbox((kind, thingName, done) => {
      let payload: string;
      try {
        payload = JSON.stringify(target.render(kind, thingName));
      } catch {
        return done();
      }
      publishNotification(kind === 'notify' ? notifyTopic(thingName) : notifyNextTopic(thingName), payload, done);
    }, target.delivery ?? DEFAULT_DELIVERY_LIMITS);
    this.unsubscribe = target.onNotifications((kind, thingName) => {
      if (!this.closed) this.outbox.push(kind, thingName);
    });
  }

  /**
   * Handles one published message. Returns false when the topic is not a Jobs
   * request (it is left alone); never throws.
   * @param reply - sends a reply to the requester.
   */
  handle(topic: string, payload: Uint8Array, reply: Send): boolean {
    if (this.closed || !isJobsRequestCandidate(topic)) return false;
    this.outbox.hold();
    try {
      this.answer(topic, payload, reply);
    } catch (error) {
      // A bug must not take the broker down: answer like AWS on an internal failure.
      this.send(reply, rejectedTopic(topic), rejectedPayload({ code: 'InternalError', message: describe(error) }, this.now(), undefined), undefined);
    } finally {
      this.outbox.release();
    }
    return true;
  }

  /** Stops answering, cancels delayed replies and unsubscribes. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const handle of this.delays) this.target.clock.clearTimeout(handle);
    this.delays.clear();
    this.outbox.close();
  }

  private answer(topic: string, payload: Uint8Array, reply: Send): void {
    const parsedTopic = parseJobsTopic(topic);
    const parsedPayload = readRequestPayload(payload);
    const clientToken = parsedPayload.ok ? tokenOf(parsedPayload.value) : undefined;
    if (parsedTopic?.kind !== 'request') {
      const message = `The topic ${topic.slice(0, 300)} does not map to any Jobs API.`;
      this.send(reply, rejectedTopic(topic), rejectedPayload({ code: 'InvalidTopic', message }, this.now(), clientToken), undefined);
      return;
    }
    const { thingName, operation, jobId } = parsedTopic;
    const fault = { thingName, operation };
    if (!parsedPayload.ok) {
      const error: DeviceError = { code: parsedPayload.code, message: parsedPayload.message };
      this.send(reply, rejectedTopic(topic), rejectedPayload(error, this.now(), undefined), fault);
      return;
    }
    const result = this.target.run(thingName, operation, jobId, parsedPayload.value);
    if (result.ok) {
      const body: Record<string, unknown> = { ...result.reply, timestamp: this.now() };
      if (clientToken !== undefined) body.clientToken = clientToken;
      this.send(reply, acceptedTopic(topic), JSON.stringify(body), fault);
    } else {
      this.send(reply, rejectedTopic(topic), rejectedPayload(result.error, this.now(), clientToken), fault);
    }
  }

  private send(reply: Send, topic: string, payload: string, match: { thingName: string; operation: JobsOperation } | undefined): void {
    const fault = match && this.target.faults.takeReplyFault(match.thingName, match.operation);
    if (!fault) return reply(topic, payload);
    switch (fault.kind) {
      case 'drop':
        return;
      case 'duplicate':
        reply(topic, payload);
        return reply(topic, payload);
      case 'delay': {
        const handle = this.target.clock.setTimeout(() => {
          this.delays.delete(handle);
          if (!this.closed) reply(topic, payload);
        }, fault.ms);
        this.delays.add(handle);
        return;
      }
    }
  }

  private now(): number {
    return toDeviceSeconds(this.target.clock.now());
  }
}

type ParsedPayload = { ok: true; value: unknown } | { ok: false; code: RejectedErrorCode; message: string };

/** Empty reads as `{}`; non-UTF-8 or non-JSON is InvalidJson; over 128 KiB is InvalidRequest. */
function readRequestPayload(payload: Uint8Array): ParsedPayload {
  if (payload.byteLength === 0) return { ok: true, value: {} };
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return { ok: false, code: 'InvalidRequest', message: `The payload of ${payload.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES} bytes.` };
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as unknown };
  } catch {
    return { ok: false, code: 'InvalidJson', message: 'The payload is not valid UTF-8 JSON.' };
  }
}

function tokenOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const token = (value as { clientToken?: unknown }).clientToken;
  return typeof token === 'string' ? token : undefined;
}

function rejectedPayload(error: DeviceError, timestamp: number, clientToken: string | undefined): string {
  const body: Record<string, unknown> = { code: error.code, message: error.message, timestamp };
  if (clientToken !== undefined) body.clientToken = clientToken;
  if (error.executionState !== undefined) body.executionState = error.executionState;
  return JSON.stringify(body);
}

function describe(error: unknown): string {
  return error instanceof Error ? `Internal error: ${error.message}` : 'Internal error.';
}

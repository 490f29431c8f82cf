/**
 * Typed errors. Every error this library raises extends {@link JobsError}, sets
 * `name` to its class name and chains the underlying `cause` when there is one.
 * @packageDocumentation
 */

import type { JobExecutionState, RejectedErrorCode } from './protocol/shapes.js';

/** Base class of every error raised by aws-iot-jobs. */
export class JobsError extends Error {
  /** @param message - human-readable text. @param options - `cause` to chain. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An argument broke an AWS rule (docs/protocol.md §9). Raised before anything is sent:
 * nothing was published or subscribed.
 */
export class InvalidArgumentError extends JobsError {
  /** The argument or field at fault, e.g. `thingName` or `statusDetails.progress`. */
  readonly field: string;
  /** The rule it broke, e.g. `1-128 characters of [a-zA-Z0-9:_-]`. */
  readonly rule: string;

  /** @param field - the argument at fault. @param rule - the rule it broke. @param value - the value, shown (shortened) in the message. */
  constructor(field: string, rule: string, value?: unknown) {
    super(`Invalid ${field}: ${describeValue(value)} must be ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** The Jobs service answered on a `/rejected` topic (docs/protocol.md §4.5, docs/protocol.md §5). */
export class JobsRejectedError extends JobsError {
  /** The AWS error code, e.g. `VersionMismatch`. */
  readonly code: RejectedErrorCode;
  /** The execution state the service sent with VersionMismatch or InvalidStateTransition. */
  readonly executionState: JobExecutionState | undefined;
  /** The clientToken of the request, as echoed by the service. */
  readonly clientToken: string | undefined;
  /** The service's `timestamp`, in epoch seconds. */
  readonly timestamp: number | undefined;

  /** @param rejection - the decoded rejected payload. */
  constructor(rejection: {
    code: RejectedErrorCode;
    message?: string | undefined;
    executionState?: JobExecutionState | undefined;
    clientToken?: string | undefined;
    timestamp?: number | undefined;
  }) {
    super(`${rejection.code}: ${rejection.message ?? 'rejected by the Jobs service'}`);
    this.code = rejection.code;
    this.executionState = rejection.executionState;
    this.clientToken = rejection.clientToken;
    this.timestamp = rejection.timestamp;
  }

  /** True for codes worth retrying after a pause (`RequestThrottled`, `InternalError`). */
  get retryable(): boolean {
    return this.code === 'RequestThrottled' || this.code === 'InternalError';
  }
}

/** Options of the errors that end a call before its reply: `cause`, and whether the request had gone out. */
export interface CallErrorOptions extends ErrorOptions {
  /** True when the request had been handed to the connection (its outcome is unknown). @defaultValue false */
  requestSent?: boolean;
}

/** No reply came within the call's `timeoutMs`. */
export class JobsTimeoutError extends JobsError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * True when the request went out and no reply came: the service may have
   * applied it (outcome unknown). False when nothing was sent (the time ran out
   * waiting for the per-thing lock, the subscription or the connection).
   */
  readonly requestSent: boolean;
  /** @param operation - what timed out. @param timeoutMs - the limit. */
  constructor(operation: string, timeoutMs: number, options?: CallErrorOptions) {
    super(`${operation} got no reply within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
    this.requestSent = options?.requestSent ?? false;
  }
}

/** The caller's AbortSignal fired before the call settled. */
export class JobsAbortError extends JobsError {
  /** True when the request had gone out before the abort (outcome unknown); false when nothing was sent. */
  readonly requestSent: boolean;
  /** @param operation - what was aborted. */
  constructor(operation: string, options?: CallErrorOptions) {
    super(`${operation} was aborted`, options);
    this.requestSent = options?.requestSent ?? false;
  }
}

/** The connection closed (or the client was closed) while the call was in flight, or before it could be sent. */
export class ConnectionClosedError extends JobsError {
  /**
   * True when the request had gone out before the connection closed: the
   * service may have applied it (outcome unknown). False: nothing was sent.
   */
  readonly requestSent: boolean;
  /** @param operation - what was in flight. @param options - `cause`, `requestSent`. */
  constructor(operation: string, options?: CallErrorOptions, what = 'the connection closed') {
    super(`${operation} failed: ${what}`, options);
    this.requestSent = options?.requestSent ?? false;
  }
}

/** The `Jobs` object (not the connection) was closed while the call was queued or in flight, or before it. */
export class JobsClosedError extends ConnectionClosedError {
  /** @param operation - what was queued or in flight. @param options - `cause`, `requestSent`. */
  constructor(operation: string, options?: CallErrorOptions) {
    super(operation, options, 'Jobs closed');
  }
}

/** A message from the network did not have the shape the protocol defines. */
export class MalformedMessageError extends JobsError {
  /** The topic it arrived on. */
  readonly topic: string;
  /** @param topic - where it arrived. @param reason - what was wrong. */
  constructor(topic: string, reason: string, options?: ErrorOptions) {
    super(`Malformed message on ${topic}: ${reason}`, options);
    this.topic = topic;
  }
}

/**
 * The broker refused a subscription the client needs (a SUBACK return code of
 * 128, e.g. an IoT policy without `iot:Subscribe` on the topic filter, or the
 * 50-subscriptions-per-connection quota of AWS IoT Core). Raised instead of
 * waiting for a reply that could never arrive.
 */
export class SubscriptionRefusedError extends JobsError {
  /** The filters the broker refused. */
  readonly filters: readonly string[];
  /** @param filters - the refused filters. */
  constructor(filters: readonly string[], options?: ErrorOptions) {
    super(`The broker refused the subscription to ${filters.join(', ')}`, options);
    this.filters = filters;
  }
}

/** Shows a value in an error message without dumping huge or hostile input. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'value';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

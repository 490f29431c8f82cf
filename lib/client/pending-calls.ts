/**
 * The correlation table: calls in flight by clientToken. A call leaves the
 * table the moment it settles, so a reply that comes later (a duplicate, or
 * one after a timeout) finds nothing to settle. The last few tokens are
 * remembered with how their call ended, only to explain such replies.
 * @packageDocumentation
 */

import { randomUUID } from 'node:crypto';
import { Deferred, type Outcome } from './deferred.js';
import type { Decoder } from '../protocol/codec.js';
import type { JobsOperation } from '../protocol/topics.js';

/** The thing, operation and job a call's replies must name. */
export interface CallTarget {
  thingName: string;
  operation: JobsOperation;
  /** For describe (may be `$next`) and update. */
  jobId?: string;
}

/** A request in flight, waiting for its reply. */
export class PendingCall<T> extends Deferred<T> {
  /** The token that correlates the reply. */
  readonly clientToken: string;
  /** Where the reply must come from. */
  readonly target: CallTarget;
  /** Decodes the accepted reply. */
  readonly decodeAccepted: Decoder<T>;
  /** True once the request was handed to the connection: from then on, an outcome other than a reply is "unknown". */
  sent = false;

  /** @param onSettle - called once when the call settles. */
  constructor(
    name: string,
    clientToken: string,
    target: CallTarget,
    decodeAccepted: Decoder<T>,
    onSettle: (outcome: Outcome) => void,
  ) {
    super(name, onSettle);
    this.clientToken = clientToken;
    this.target = target;
    this.decodeAccepted = decodeAccepted;
  }

  /** True when a reply topic names this call's thing, operation and job. */
  matches(reply: { thingName: string; operation: JobsOperation; jobId?: string }): boolean {
    return reply.thingName === this.target.thingName && reply.operation === this.target.operation && reply.jobId === this.target.jobId;
  }
}

/** How many settled tokens are remembered to explain late and duplicate replies. */
const RECENT_TOKENS = 1_024;

/** Calls in flight by clientToken. */
export class PendingCalls {
  private readonly calls = new Map<string, PendingCall<unknown>>();
  private readonly recent = new Map<string, Outcome>();
  /** The remembered tokens in the order they settled: a ring, oldest overwritten first. */
  private readonly recentOrder: (string | undefined)[] = new Array<string | undefined>(RECENT_TOKENS);
  private recentNext = 0;

  /** Calls in flight. */
  get size(): number {
    return this.calls.size;
  }

  /** A fresh token: a UUID v4, unique across clients sharing a connection. */
  newToken(): string {
    return randomUUID();
  }

  /** True when a call with this token is in flight. */
  has(clientToken: string): boolean {
    return this.calls.has(clientToken);
  }

  /** The call in flight with this token. */
  get(clientToken: string): PendingCall<unknown> | undefined {
    return this.calls.get(clientToken);
  }

  /** How the call with this token ended, if it ended recently. */
  endOf(clientToken: string): Outcome | undefined {
    return this.recent.get(clientToken);
  }

  /** Creates a call and enters it; it leaves the table when it settles. */
  add<T>(name: string, clientToken: string, target: CallTarget, decodeAccepted: Decoder<T>): PendingCall<T> {
    const call = new PendingCall<T>(name, clientToken, target, decodeAccepted, (outcome) => this.remove(clientToken, outcome));
    this.calls.set(clientToken, call as PendingCall<unknown>);
    return call;
  }

  /** Every call in flight. */
  all(): PendingCall<unknown>[] {
    return [...this.calls.values()];
  }

  private remove(clientToken: string, outcome: Outcome): void {
    this.calls.delete(clientToken);
    // A ring instead of re-ordering the map: this runs once per call.
    const evicted = this.recentOrder[this.recentNext];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.recentOrder[this.recentNext] = clientToken;
    this.recentNext = (this.recentNext + 1) % RECENT_TOKENS;
    this.recent.set(clientToken, outcome);
  }
}

/**
 * Fault injection for tests: lose, delay or repeat replies, answer with
 * RequestThrottled / InternalError, drop a client's connection. Rules match
 * by thing and operation and are used up in the order they were added.
 * @packageDocumentation
 */

import type { JobsOperation } from '../../protocol/topics.js';

/** Which requests a fault applies to; an absent member matches anything. */
export interface FaultMatch {
  /** Matches only requests for this thing. */
  thingName?: string;
  /** Matches only requests of this operation. */
  operation?: JobsOperation;
}

/** What happens to one reply. */
export type ReplyFault =
  | {
      /** The reply is lost. */
      kind: 'drop';
    }
  | {
      /** The reply is sent late. */
      kind: 'delay';
      /** How late, in milliseconds on the simulator clock. */
      ms: number;
    }
  | {
      /** The reply is sent twice. */
      kind: 'duplicate';
    };

/** The codes {@link SimulatorFaults.rejectNext} can answer with. */
export type InjectedRejection = 'RequestThrottled' | 'InternalError';

interface Rule<T> {
  match: FaultMatch;
  remaining: number;
  effect: T;
}

/** The faults of one simulator. */
export class SimulatorFaults {
  private readonly replyRules: Array<Rule<ReplyFault>> = [];
  private readonly rejectRules: Array<Rule<InjectedRejection>> = [];

  /** @param disconnect - ends a client's connection on every attached in-process broker; true if one was found. */
  constructor(private readonly disconnect: (clientId: string) => boolean) {}

  /** The next `n` matching replies are lost (the request itself still takes effect). */
  dropReplies(match: FaultMatch, n = 1): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'drop' } });
  }

  /** The next `n` matching replies are sent `ms` later, on the simulator clock. */
  delayReplies(match: FaultMatch, n: number, ms: number): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'delay', ms } });
  }

  /** The next `n` matching replies are sent twice. */
  duplicateReplies(match: FaultMatch, n = 1): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'duplicate' } });
  }

  /**
   * The next `n` matching requests are rejected with `code` without taking
   * effect. Applies to every front (MQTT and the HTTP data plane).
   */
  rejectNext(match: FaultMatch, n: number, code: InjectedRejection): void {
    this.rejectRules.push({ match, remaining: n, effect: code });
  }

  /**
   * Drops the connection of the client with this id on every attached
   * in-process broker, as a broker would on a network failure.
   * @returns true if such a client was connected.
   */
  disconnectClient(clientId: string): boolean {
    return this.disconnect(clientId);
  }

  /** Forgets every pending fault. */
  clear(): void {
    this.replyRules.length = 0;
    this.rejectRules.length = 0;
  }

  /** @internal Uses up and returns the rejection for this request, if any. */
  takeRejection(thingName: string, operation: JobsOperation): InjectedRejection | undefined {
    return take(this.rejectRules, thingName, operation);
  }

  /** @internal Uses up and returns the fault for this reply, if any. */
  takeReplyFault(thingName: string, operation: JobsOperation): ReplyFault | undefined {
    return take(this.replyRules, thingName, operation);
  }
}

function take<T>(rules: Array<Rule<T>>, thingName: string, operation: JobsOperation): T | undefined {
  const index = rules.findIndex(
    (rule) => (rule.match.thingName === undefined || rule.match.thingName === thingName) && (rule.match.operation === undefined || rule.match.operation === operation),
  );
  const rule = rules[index];
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) rules.splice(index, 1);
  return rule.effect;
}

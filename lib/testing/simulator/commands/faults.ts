/**
 * Fault injection for Commands (docs/commands.md §10): lose, delay or repeat
 * the requests sent to devices and the replies to their responses, and reject
 * responses with RequestThrottled / InternalError. Rules match by device and
 * command and are used up in the order they were added.
 * @packageDocumentation
 */

/** Which messages a fault applies to; an absent member matches anything. */
export interface CommandFaultMatch {
  /** Only this thing name or client id. */
  deviceId?: string;
  /** Only executions of this command. */
  commandId?: string;
}

/** What happens to one message. */
export type CommandMessageFault =
  | {
      /** The message is lost. */
      kind: 'drop';
    }
  | {
      /** The message is sent twice. */
      kind: 'duplicate';
    }
  | {
      /** The message is sent late. */
      kind: 'delay';
      /** How late, in milliseconds on the simulator clock. */
      ms: number;
    };

/** The codes {@link CommandFaults.rejectNext} can answer with. */
export type InjectedCommandRejection = 'RequestThrottled' | 'InternalError';

interface Rule<T> {
  match: CommandFaultMatch;
  remaining: number;
  effect: T;
}

/** The Commands faults of one simulator. */
export class CommandFaults {
  private readonly requestRules: Array<Rule<CommandMessageFault>> = [];
  private readonly replyRules: Array<Rule<CommandMessageFault>> = [];
  private readonly rejectRules: Array<Rule<InjectedCommandRejection>> = [];

  /** The next `n` matching requests to devices are lost (the execution still exists and times out). */
  dropRequests(match: CommandFaultMatch, n = 1): void {
    this.requestRules.push({ match, remaining: n, effect: { kind: 'drop' } });
  }

  /** The next `n` matching requests are delivered twice. */
  duplicateRequests(match: CommandFaultMatch, n = 1): void {
    this.requestRules.push({ match, remaining: n, effect: { kind: 'duplicate' } });
  }

  /** The next `n` matching requests are delivered `ms` later, on the simulator clock. */
  delayRequests(match: CommandFaultMatch, n: number, ms: number): void {
    this.requestRules.push({ match, remaining: n, effect: { kind: 'delay', ms } });
  }

  /** The next `n` matching replies (accepted/rejected) are lost; the response itself takes effect. */
  dropReplies(match: CommandFaultMatch, n = 1): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'drop' } });
  }

  /** The next `n` matching replies are sent twice. */
  duplicateReplies(match: CommandFaultMatch, n = 1): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'duplicate' } });
  }

  /** The next `n` matching replies are sent `ms` later. */
  delayReplies(match: CommandFaultMatch, n: number, ms: number): void {
    this.replyRules.push({ match, remaining: n, effect: { kind: 'delay', ms } });
  }

  /** The next `n` matching device responses are rejected with `code` without taking effect. */
  rejectNext(match: CommandFaultMatch, n: number, code: InjectedCommandRejection): void {
    this.rejectRules.push({ match, remaining: n, effect: code });
  }

  /** Forgets every pending fault. */
  clear(): void {
    this.requestRules.length = 0;
    this.replyRules.length = 0;
    this.rejectRules.length = 0;
  }

  /** @internal Uses up the fault of a request, if any. */
  takeRequestFault(deviceId: string, commandId: string): CommandMessageFault | undefined {
    return take(this.requestRules, deviceId, commandId);
  }

  /** @internal Uses up the fault of a reply, if any. */
  takeReplyFault(deviceId: string, commandId: string): CommandMessageFault | undefined {
    return take(this.replyRules, deviceId, commandId);
  }

  /** @internal Uses up the rejection of a response, if any. */
  takeRejection(deviceId: string, commandId: string): InjectedCommandRejection | undefined {
    return take(this.rejectRules, deviceId, commandId);
  }
}

function take<T>(rules: Array<Rule<T>>, deviceId: string, commandId: string): T | undefined {
  const index = rules.findIndex(
    (rule) => (rule.match.deviceId === undefined || rule.match.deviceId === deviceId) && (rule.match.commandId === undefined || rule.match.commandId === commandId),
  );
  const rule = rules[index];
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) rules.splice(index, 1);
  return rule.effect;
}

/**
 * The MQTT face of the Commands simulator, independent of how it is attached
 * (docs/commands.md §4, docs/commands.md §5): delivers requests and status
 * events through the broker, reads device responses and answers on
 * `.../response/accepted/<format>` or `.../response/rejected/<format>`, with
 * the faults of {@link CommandFaults} applied.
 * @packageDocumentation
 */

import { decodeCommandResponse, encodeCommandMessage, readCommandMessage } from '../../../protocol/commands/codec.js';
import { commandAcceptedTopic, commandRejectedTopic, parseCommandTopic, type ParsedCommandTopic } from '../../../protocol/commands/topics.js';
import type { SimulatorClock } from '../clock.js';
import type { CommandRequestEvent, CommandsCore } from './core.js';
import { respond, type CommandDeviceResult } from './executions.js';
import type { CommandFaults, CommandMessageFault } from './faults.js';

/** MQTT 5 properties of a request, as AWS sets them (docs/commands.md §4); MQTT 3.1.1 drops them. */
export interface RequestProperties {
  /** The payload's content type. */
  contentType?: string;
  /** The execution timeout, in seconds. */
  messageExpiryInterval: number;
}

/** Sends one MQTT message; must not throw. */
export type CommandSend = (topic: string, payload: Uint8Array, properties?: RequestProperties) => void;

/** One attachment's Commands protocol logic. */
export class CommandsFront {
  private readonly timers = new Set<unknown>();
  private readonly unlisten: Array<() => void> = [];
  private closed = false;

  /**
   * @param core - the Commands state.
   * @param faults - the faults to apply.
   * @param publish - publishes through the broker to its subscribers (requests at QoS 1, events).
   */
  constructor(
    private readonly core: CommandsCore,
    private readonly faults: CommandFaults,
    private readonly publish: CommandSend,
  ) {
    const onRequest = (event: CommandRequestEvent): void => {
      const properties: RequestProperties = { messageExpiryInterval: event.executionTimeoutSeconds };
      if (event.contentType !== undefined) properties.contentType = event.contentType;
      this.apply(this.faults.takeRequestFault(event.deviceId, event.commandId), () => this.publish(event.topic, event.payload, properties));
    };
    const onEvent = (event: { topic: string; payload: object }): void => {
      if (!this.closed) this.publish(event.topic, new TextEncoder().encode(JSON.stringify(event.payload)));
    };
    core.events.on('request', onRequest);
    core.events.on('event', onEvent);
    this.unlisten.push(() => core.events.off('request', onRequest), () => core.events.off('event', onEvent));
  }

  private get clock(): SimulatorClock {
    return this.core.clock;
  }

  /**
   * Handles one published message. Returns false when it is not a device
   * response (left alone); never throws.
   * @param reply - sends a reply to the responding connection only.
   */
  handle(topic: string, payload: Uint8Array, reply: CommandSend): boolean {
    if (this.closed) return false;
    const parsed = parseCommandTopic(topic);
    if (parsed?.kind !== 'response') return false;
    const format = parsed.format === 'cbor' ? 'cbor' : 'json';
    const commandId = this.core.executions.get(parsed.executionId)?.command.commandId ?? '';
    const send = (kind: 'accepted' | 'rejected', body: object): void => {
      const builder = kind === 'accepted' ? commandAcceptedTopic : commandRejectedTopic;
      const bytes = encodeCommandMessage(format, body);
      const replyTopic = builder(parsed.deviceType, parsed.deviceId, parsed.executionId, format);
      this.apply(this.faults.takeReplyFault(parsed.deviceId, commandId), () => reply(replyTopic, bytes));
    };
    try {
      const outcome = this.answer(parsed, format, payload, commandId);
      if (outcome.ok) send('accepted', { executionId: parsed.executionId });
      else send('rejected', { error: outcome.error, errorMessage: outcome.errorMessage, executionId: parsed.executionId });
    } catch (error) {
      // A bug must not take the broker down: answer like AWS on an internal failure.
      send('rejected', { error: 'InternalError', errorMessage: error instanceof Error ? error.message : 'Internal error.', executionId: parsed.executionId });
    }
    return true;
  }

  /** Stops answering, cancels delayed messages and stops listening. */
  close(): void {
    this.closed = true;
    for (const unlisten of this.unlisten.splice(0)) unlisten();
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private answer(
    parsed: ParsedCommandTopic,
    format: 'json' | 'cbor',
    payload: Uint8Array,
    commandId: string,
  ): CommandDeviceResult {
    const readable = readCommandMessage(format, payload);
    if (!readable.ok) return { ok: false, error: format === 'json' ? 'InvalidJson' : 'InvalidRequest', errorMessage: `The payload is ${readable.error}.` };
    const decoded = decodeCommandResponse(format, payload);
    if (!decoded.ok) return { ok: false, error: 'InvalidRequest', errorMessage: decoded.error };
    const injected = this.faults.takeRejection(parsed.deviceId, commandId);
    if (injected !== undefined) return { ok: false, error: injected, errorMessage: injected === 'RequestThrottled' ? 'Rate exceeded.' : 'Internal error.' };
    return respond(this.core, parsed.deviceType, parsed.deviceId, parsed.executionId, decoded.value);
  }

  private apply(fault: CommandMessageFault | undefined, send: () => void): void {
    if (this.closed) return;
    if (fault === undefined) return send();
    switch (fault.kind) {
      case 'drop':
        return;
      case 'duplicate':
        send();
        return send();
      case 'delay': {
        const handle = this.clock.setTimeout(() => {
          this.timers.delete(handle);
          if (!this.closed) send();
        }, fault.ms);
        this.timers.add(handle);
        return;
      }
    }
  }
}

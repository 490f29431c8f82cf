/**
 * The events of the Jobs client: typed mitt events for the layer above, and
 * a debug stream that explains everything the client ignored or recovered from.
 * @packageDocumentation
 */

import type { JobsError, MalformedMessageError } from '../errors.js';
import type { Outcome } from './deferred.js';
import type { JobExecutionsChangedNotification, NextJobExecutionChangedNotification } from './messages.js';
import type { JobsOperation } from './topics.js';

/** The events of {@link JobsClient.events}. */
export type JobsClientEvents = {
  /** JobExecutionsChanged of a watched thing. */
  notify: { thingName: string; notification: JobExecutionsChangedNotification };
  /** NextJobExecutionChanged of a watched thing. */
  'notify-next': { thingName: string; notification: NextJobExecutionChangedNotification };
  /**
   * The connection came back. Emitted after every subscription was renewed
   * when the broker kept no session (`sessionPresent: false`): job state may
   * have changed meanwhile, so read it again.
   */
  reconnect: { sessionPresent: boolean };
  /** Something went wrong outside any call: a malformed message, a failed re-subscribe, a listener that threw. Never thrown. */
  error: JobsError;
};

/** Why a reply settled no call. */
export type IgnoredReplyReason =
  /** No clientToken in the payload (or the payload is not JSON). */
  | 'no-token'
  /** No call with this token was made by this client (recently). */
  | 'unknown-token'
  /** The call was already settled by a reply: this one is a duplicate. */
  | 'duplicate'
  /** The call had already ended by timeout, abort, close or failure. */
  | 'late'
  /** The token is in flight, but for another thing, operation or job. */
  | 'wrong-topic';

/** What {@link JobsClientOptions.onDebug} receives. */
export type JobsClientDebugEvent =
  | { type: 'publish'; topic: string; clientToken: string }
  | { type: 'settled'; operation: JobsOperation; thingName: string; clientToken: string; outcome: Outcome }
  | { type: 'ignored-reply'; topic: string; clientToken: string | undefined; reason: IgnoredReplyReason; previousOutcome?: Outcome }
  | { type: 'ignored-notification'; topic: string; thingName: string }
  | { type: 'malformed'; error: MalformedMessageError }
  | { type: 'subscribe'; filters: readonly string[]; granted: readonly number[] }
  | { type: 'unsubscribe'; filters: readonly string[] }
  | { type: 'unsubscribe-failed'; filters: readonly string[]; error: unknown }
  | { type: 'resubscribe'; sessionPresent: boolean; filters: readonly string[] }
  | { type: 'listener-error'; event: keyof JobsClientEvents; error: unknown };

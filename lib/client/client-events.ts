/**
 * The events of the Jobs client: typed mitt events for the layer above, and
 * a debug stream that explains everything the client ignored or recovered from.
 * @packageDocumentation
 */

import type { JobsError, MalformedMessageError } from '../errors.js';
import type { Outcome } from './deferred.js';
import type { JobExecutionsChangedNotification, NextJobExecutionChangedNotification } from '../protocol/shapes.js';
import type { JobsOperation } from '../protocol/topics.js';

/** The events of {@link JobsClient.events}. */
export type JobsClientEvents = {
  /** JobExecutionsChanged of a watched thing. */
  notify: {
    /** The thing the notification is about. */
    thingName: string;
    /** The decoded `notify` payload. */
    notification: JobExecutionsChangedNotification;
  };
  /** NextJobExecutionChanged of a watched thing. */
  'notify-next': {
    /** The thing the notification is about. */
    thingName: string;
    /** The decoded `notify-next` payload. */
    notification: NextJobExecutionChangedNotification;
  };
  /**
   * The connection came back. Emitted after every subscription was renewed
   * when the broker kept no session (`sessionPresent: false`): job state may
   * have changed meanwhile, so read it again.
   */
  reconnect: {
    /** Whether the broker kept the MQTT session (and so the subscriptions); false when the CONNACK was not passed on. */
    sessionPresent: boolean;
  };
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
  | {
      /** A request is being published. */
      type: 'publish';
      /** The request topic. */
      topic: string;
      /** The call's clientToken. */
      clientToken: string;
    }
  | {
      /** A call ended. */
      type: 'settled';
      /** Which Jobs operation the call made. */
      operation: JobsOperation;
      /** The thing the call was for. */
      thingName: string;
      /** The call's clientToken. */
      clientToken: string;
      /** How the call ended. */
      outcome: Outcome;
    }
  | {
      /** A reply matched no call in flight and was dropped. */
      type: 'ignored-reply';
      /** The topic the reply arrived on. */
      topic: string;
      /** The reply's clientToken; undefined when it had none. */
      clientToken: string | undefined;
      /** Why no call took the reply. */
      reason: IgnoredReplyReason;
      /** How the token's call had already ended; present only for `duplicate` and `late`. */
      previousOutcome?: Outcome;
    }
  | {
      /** A notification for a thing nobody watches was dropped. */
      type: 'ignored-notification';
      /** The topic the notification arrived on. */
      topic: string;
      /** The thing named in the topic. */
      thingName: string;
    }
  | {
      /** A payload on a Jobs topic did not decode. */
      type: 'malformed';
      /** The decoding failure, naming the topic. */
      error: MalformedMessageError;
    }
  | {
      /** A subscribe request was answered (possibly refusing some filters). */
      type: 'subscribe';
      /** The topic filters subscribed to. */
      filters: readonly string[];
      /** The granted QoS per filter, in the same order; 0x80 or more means refused. */
      granted: readonly number[];
    }
  | {
      /** Topic filters were unsubscribed. */
      type: 'unsubscribe';
      /** The topic filters unsubscribed from. */
      filters: readonly string[];
    }
  | {
      /** An unsubscribe failed; only reported, since the filters go with the session anyway. */
      type: 'unsubscribe-failed';
      /** The topic filters that could not be unsubscribed. */
      filters: readonly string[];
      /** What the connection threw. */
      error: unknown;
    }
  | {
      /** The connection came back and subscriptions are being renewed. */
      type: 'resubscribe';
      /** Whether the broker kept the MQTT session. */
      sessionPresent: boolean;
      /** The topic filters being subscribed again; empty when the kept session still holds them all. */
      filters: readonly string[];
    }
  | {
      /** A listener of {@link JobsClient.events} threw. */
      type: 'listener-error';
      /** The event the listener was handling. */
      event: keyof JobsClientEvents;
      /** What the listener threw. */
      error: unknown;
    };

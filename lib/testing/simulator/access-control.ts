/**
 * Access control like a typical AWS IoT policy for Jobs devices
 * (`iot:Connect` on `client/${iot:Connection.Thing.ThingName}`, and the Jobs
 * topics of that thing only).
 *
 * Identity: on a TLS connection it is the client certificate (the thing must
 * have the certificate attached, as AttachThingPrincipal does, and the
 * client id must be that thing's name); on the in-process broker, which has
 * no credentials, it is the client id. A network connection without a
 * certificate, or with an unknown identity, is refused (CONNACK 5, not
 * authorized). A second connection with a client id in use takes over only
 * with the same identity; AWS then disconnects the older one.
 *
 * Permissions: a device may publish only to its own request topics, and may
 * subscribe to and receive only its own reply and notify topics. A refused
 * SUBSCRIBE gets the failure code 0x80 in its SUBACK; a refused PUBLISH
 * closes the connection, as AWS IoT Core does for a policy violation.
 * @packageDocumentation
 */

import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Aedes, Client } from 'aedes';
import { JobsError } from '../../errors.js';
import { isJobsRequestCandidate, jobsRoot, parseJobsTopic } from '../../protocol/topics.js';
import { commandsRoot, parseCommandTopic } from '../../protocol/commands/topics.js';

/**
 * `open`: every client may use every topic. `thing-policy`: every client must
 * be a known thing (by certificate over TLS, by client id in process) and is
 * confined to its own thing's Jobs and Commands topics.
 */
export type AccessControl = 'open' | 'thing-policy';

/** True when `thingName`'s policy allows this topic (or topic filter): it must lie under `$aws/things/<thingName>/jobs/` or `$aws/commands/things/<thingName>/executions/` (docs/commands.md §4). */
export function thingPolicyAllows(thingName: string, topicOrFilter: string): boolean {
  return topicOrFilter.startsWith(`${jobsRoot(thingName)}/`) || topicOrFilter.startsWith(`${commandsRoot('things', thingName)}/`);
}

/**
 * True when the thing may publish to `topic`: one of its own Jobs request
 * topics, or one of its own Commands response topics (replies, notifications
 * and command requests are the service's).
 */
export function thingPolicyAllowsPublish(thingName: string, topic: string): boolean {
  if (!thingPolicyAllows(thingName, topic)) return false;
  if (isJobsRequestCandidate(topic)) return true;
  const command = parseCommandTopic(topic);
  return command !== undefined && command.kind === 'response' && command.deviceType === 'things' && command.deviceId === thingName;
}

/** True when the thing may receive a message on `topic`: its own Jobs reply and notify topics, its own Commands request and reply topics. */
export function thingPolicyAllowsReceive(thingName: string, topic: string): boolean {
  const parsed = parseJobsTopic(topic);
  if (parsed !== undefined) return parsed.thingName === thingName && parsed.kind !== 'request';
  const command = parseCommandTopic(topic);
  return command !== undefined && command.deviceType === 'things' && command.deviceId === thingName && command.kind !== 'response';
}

/** True when the thing may subscribe to `filter`: under its own Jobs topics, and not to a request topic itself. */
export function thingPolicyAllowsSubscribe(thingName: string, filter: string): boolean {
  if (!thingPolicyAllows(thingName, filter)) return false;
  const wildcard = filter.includes('+') || filter.includes('#');
  return wildcard || thingPolicyAllowsReceive(thingName, filter);
}

/** Error a refused PUBLISH fails with (aedes then closes the connection). */
export class AccessDeniedError extends JobsError {
  /** @param clientId - the client. @param topic - the topic it may not use. */
  constructor(clientId: string, topic: string) {
    super(`Client ${clientId} is not authorized to publish to ${topic.slice(0, 300)}.`);
  }
}

/** What the policy needs from the simulator. */
export interface ThingPolicyTarget {
  /** True for a thing the simulator knows. */
  isThing(thingName: string): boolean;
  /** True when `principal` is attached to the thing. */
  hasPrincipal(thingName: string, principal: string): boolean;
  /** The principal (certificate ARN) of a client certificate's DER bytes. */
  certificatePrincipal(der: Uint8Array): string;
}

/** Who a connection is. */
type Identity = { readonly kind: 'certificate'; readonly principal: string } | { readonly kind: 'in-process' } | { readonly kind: 'none' };

/** The identity a connection presents. */
function identityOf(conn: unknown, target: ThingPolicyTarget): Identity {
  if (conn instanceof TLSSocket) {
    const raw = conn.authorized ? (conn.getPeerCertificate() as { raw?: Buffer } | null)?.raw : undefined;
    return raw === undefined ? { kind: 'none' } : { kind: 'certificate', principal: target.certificatePrincipal(raw) };
  }
  // A network connection without TLS has no credential at all.
  if (conn instanceof Socket) return { kind: 'none' };
  return { kind: 'in-process' };
}

function sameIdentity(a: Identity | undefined, b: Identity): boolean {
  if (a === undefined || a.kind !== b.kind) return false;
  return a.kind !== 'certificate' || (b.kind === 'certificate' && a.principal === b.principal);
}

/** The CONNACK refusal: return code 5, not authorized. */
function notAuthorized(message: string): JobsError & { returnCode: number } {
  return Object.assign(new JobsError(message), { returnCode: 5 });
}

/**
 * Installs the thing policy on `aedes`, in front of whatever hooks it had
 * (they still run for what the policy allows).
 * @returns a function that restores the previous hooks.
 */
export function installThingPolicy(aedes: Aedes, target: ThingPolicyTarget): () => void {
  const previous = {
    authenticate: aedes.authenticate,
    authorizePublish: aedes.authorizePublish,
    authorizeSubscribe: aedes.authorizeSubscribe,
    authorizeForward: aedes.authorizeForward,
  };
  const identities = new WeakMap<Client, Identity>();
  const clients = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
  /** A client the policy let in: the thing it is confined to; undefined when it is not a thing it accepted. */
  const thingOf = (client: Client | null): string | undefined => (client !== null && identities.has(client) ? client.id : undefined);

  aedes.authenticate = (client, username, password, callback) => {
    const identity = identityOf(client.conn, target);
    const refusal = refuse(client.id, identity, target);
    if (refusal !== undefined) return callback(notAuthorized(refusal), false);
    const existing = clients[client.id];
    if (existing !== undefined && existing !== client && !sameIdentity(identities.get(existing), identity)) {
      return callback(notAuthorized(`Client id ${client.id} is in use by another identity.`), false);
    }
    identities.set(client, identity);
    previous.authenticate.call(aedes, client, username, password, callback);
  };
  aedes.authorizePublish = (client, packet, callback) => {
    // client is null for the broker's own publishes (the simulator's notifications).
    if (client !== null && !thingPolicyAllowsPublish(thingOf(client) ?? '', packet.topic)) {
      callback(new AccessDeniedError(client.id, packet.topic));
      return;
    }
    previous.authorizePublish.call(aedes, client, packet, callback);
  };
  aedes.authorizeSubscribe = (client, subscription, callback) => {
    if (!thingPolicyAllowsSubscribe(thingOf(client) ?? '', subscription.topic)) {
      callback(null, null);
      return;
    }
    previous.authorizeSubscribe.call(aedes, client, subscription, callback);
  };
  aedes.authorizeForward = (client, packet) => {
    if (!thingPolicyAllowsReceive(thingOf(client) ?? '', packet.topic)) return null;
    return previous.authorizeForward.call(aedes, client, packet);
  };
  return () => {
    Object.assign(aedes, previous);
  };
}

/** Why a connection is refused, or undefined when it may connect. */
function refuse(clientId: string, identity: Identity, target: ThingPolicyTarget): string | undefined {
  switch (identity.kind) {
    case 'none':
      return 'A connection needs a client certificate under the thing policy.';
    case 'in-process':
      return target.isThing(clientId) ? undefined : `Client id ${clientId} is not a thing.`;
    case 'certificate':
      return target.hasPrincipal(clientId, identity.principal) ? undefined : `The certificate is not attached to a thing named ${clientId}.`;
  }
}

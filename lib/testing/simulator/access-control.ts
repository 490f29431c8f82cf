/**
 * Access control like a typical AWS IoT policy (`iot:Connect` with
 * `${iot:Connection.Thing.ThingName}` / `${iot:ClientId}` variables): a client
 * whose client id is the name of a thing the simulator knows may publish and
 * subscribe only under its own `$aws/things/<thing>/jobs/`. Other clients
 * (test harnesses, back ends) are not restricted.
 *
 * As AWS IoT does, a refused SUBSCRIBE gets the failure code 0x80 in its
 * SUBACK, and a refused PUBLISH closes the client's connection.
 * @packageDocumentation
 */

import type { Aedes } from 'aedes';
import { JobsError } from '../../errors.js';
import { jobsRoot } from '../../protocol/topics.js';
import { commandsRoot } from '../../protocol/commands/topics.js';

/**
 * `open`: every client may use every topic. `thing-policy`: a client whose id
 * is a known thing name is confined to its own thing's Jobs topics.
 */
export type AccessControl = 'open' | 'thing-policy';

/** True when `thingName`'s policy allows this topic (or topic filter): it must lie under `$aws/things/<thingName>/jobs/` or `$aws/commands/things/<thingName>/executions/` (docs/commands.md §4). */
export function thingPolicyAllows(thingName: string, topicOrFilter: string): boolean {
  return topicOrFilter.startsWith(`${jobsRoot(thingName)}/`) || topicOrFilter.startsWith(`${commandsRoot('things', thingName)}/`);
}

/** Error a refused PUBLISH fails with (aedes then closes the connection). */
export class AccessDeniedError extends JobsError {
  /** @param clientId - the client. @param topic - the topic it may not use. */
  constructor(clientId: string, topic: string) {
    super(`Client ${clientId} is not authorized to publish to ${topic.slice(0, 300)}.`);
  }
}

/**
 * Installs the thing policy on `aedes`, in front of whatever authorize hooks
 * it had (they still run for what the policy allows).
 * @param isThing - true when a client id names a thing the simulator knows.
 * @returns a function that restores the previous hooks.
 */
export function installThingPolicy(aedes: Aedes, isThing: (clientId: string) => boolean): () => void {
  const previousPublish = aedes.authorizePublish;
  const previousSubscribe = aedes.authorizeSubscribe;
  aedes.authorizePublish = (client, packet, callback) => {
    if (client !== null && isThing(client.id) && !thingPolicyAllows(client.id, packet.topic)) {
      callback(new AccessDeniedError(client.id, packet.topic));
      return;
    }
    previousPublish.call(aedes, client, packet, callback);
  };
  aedes.authorizeSubscribe = (client, subscription, callback) => {
    if (isThing(client.id) && !thingPolicyAllows(client.id, subscription.topic)) {
      callback(null, null);
      return;
    }
    previousSubscribe.call(aedes, client, subscription, callback);
  };
  return () => {
    aedes.authorizePublish = previousPublish;
    aedes.authorizeSubscribe = previousSubscribe;
  };
}

/**
 * A thing: its name and the MQTT connection that speaks for it. A gateway
 * makes one `Thing` per device it speaks for, all on one connection.
 * @packageDocumentation
 */

import type { MqttConnection } from './mqtt/connection.js';
import { assertThingName } from './client/arguments.js';
import { InvalidArgumentError } from './errors.js';

/** What {@link Jobs} needs to know about a thing. */
export interface ThingLike {
  /** The AWS IoT thing name, `[a-zA-Z0-9:_-]{1,128}`. */
  readonly thingName: string;
  /** The MQTT connection; an async-mqtt client fits as is. */
  readonly connection: MqttConnection;
}

/** A thing name bound to a connection (Zerynth's `thing`, with `thingname` and `mqtt`). */
export class Thing implements ThingLike {
  /** The AWS IoT thing name. */
  readonly thingName: string;
  /** The MQTT connection. */
  readonly connection: MqttConnection;

  /**
   * @param thingName - the AWS IoT thing name.
   * @param connection - a connected async-mqtt client, or any {@link MqttConnection}.
   * @throws {@link InvalidArgumentError} when the name breaks AWS's rule, or without a connection.
   */
  constructor(thingName: string, connection: MqttConnection) {
    assertThingName(thingName);
    if (typeof connection !== 'object' || connection === null || typeof connection.publish !== 'function') {
      throw new InvalidArgumentError('connection', 'an MQTT connection (an async-mqtt client, fromMqttJs(client), or an MqttConnection)', connection);
    }
    this.thingName = thingName;
    this.connection = connection;
  }
}

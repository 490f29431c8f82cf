/**
 * The MQTT connection the Jobs client runs over: a small structural interface
 * shaped like async-mqtt's `AsyncClient`, so an async-mqtt client fits as is
 * and an mqtt.js v5 client fits through {@link fromMqttJs}. Nothing above this
 * file knows which MQTT library is underneath.
 * @packageDocumentation
 */

/** QoS levels the Jobs client uses (AWS IoT Core supports 0 and 1). */
export type JobsQoS = 0 | 1;

/** One line of a SUBACK: the filter and the QoS granted, or 128 when refused. */
export interface SubscriptionGrant {
  /** The topic filter subscribed to. */
  topic: string;
  /** The QoS the broker granted, or 128 when it refused the filter. */
  qos: number;
}

/** Called for every PUBLISH the connection receives. */
export type MessageListener = (topic: string, payload: Buffer) => void;
/** Called on every CONNACK, including those of automatic reconnects. */
export type ConnectListener = (connack: { sessionPresent?: boolean }) => void;
/** Called when the network connection closes (it may reconnect later). */
export type CloseListener = () => void;

/** The events the Jobs client listens to, as async-mqtt and mqtt.js both emit them. */
export interface ConnectionEvents {
  /** Adds a listener for every PUBLISH received. */
  on(event: 'message', listener: MessageListener): unknown;
  /** Adds a listener for every CONNACK, including those of reconnects. */
  on(event: 'connect', listener: ConnectListener): unknown;
  /** Adds a listener for the network connection closing. */
  on(event: 'close', listener: CloseListener): unknown;
  /** Removes a `message` listener added with `on`. */
  off(event: 'message', listener: MessageListener): unknown;
  /** Removes a `connect` listener added with `on`. */
  off(event: 'connect', listener: ConnectListener): unknown;
  /** Removes a `close` listener added with `on`. */
  off(event: 'close', listener: CloseListener): unknown;
}

/**
 * What the Jobs client needs from an MQTT connection. async-mqtt's
 * `AsyncClient` satisfies it as is.
 */
export interface MqttConnection extends ConnectionEvents {
  /** Publishes; resolves once sent (QoS 0) or acknowledged (QoS 1). */
  publish(topic: string, payload: string | Buffer, options?: { qos: JobsQoS }): Promise<unknown>;
  /**
   * Subscribes; resolves with the SUBACK grants. A grant of 128 means refused.
   * A filter missing from the result counts as granted (mqtt.js omits filters
   * it already holds).
   */
  subscribe(filters: string | string[], options?: { qos: JobsQoS }): Promise<SubscriptionGrant[]>;
  /** Unsubscribes; resolves on UNSUBACK. */
  unsubscribe(filters: string | string[]): Promise<unknown>;
  /** False while the network connection is down; calls then fail at once. */
  readonly connected?: boolean;
}

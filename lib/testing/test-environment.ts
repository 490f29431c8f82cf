/**
 * One call for a user's jest suite: an in-memory broker with the simulator
 * attached, and a way to connect device clients.
 * @packageDocumentation
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { createInMemoryBroker, type TestBroker, type TestClientOptions } from './broker.js';
import { JobsSimulator, type JobsSimulatorOptions } from './simulator/jobs-simulator.js';

/** What {@link createTestEnvironment} returns. */
export interface TestEnvironment {
  /** The in-memory broker. */
  readonly broker: TestBroker;
  /** The simulator, attached to the broker. */
  readonly simulator: JobsSimulator;
  /** Connects a device client (async-mqtt) to the broker. */
  connect(options?: TestClientOptions): Promise<AsyncMqttClient>;
  /** Closes the simulator (its timers) and the broker (every client). Safe to call twice. */
  close(): Promise<void>;
  /** {@link TestEnvironment.close}, for `await using env = await createTestEnvironment()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

// Node >= 20.4 has the symbol; the fallback is the one Node uses internally.
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * Starts an in-memory broker and a {@link JobsSimulator} attached to it.
 * Close it with `close()`, or let `await using` do it at the end of a scope.
 * @param options - passed to the simulator.
 */
export async function createTestEnvironment(options: JobsSimulatorOptions = {}): Promise<TestEnvironment> {
  const broker = await createInMemoryBroker();
  const simulator = new JobsSimulator(options);
  await simulator.attach(broker);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await simulator.close();
      await broker.close();
    })());
  return {
    broker,
    simulator,
    connect: (clientOptions) => broker.connect(clientOptions),
    close,
    [asyncDispose]: close,
  };
}

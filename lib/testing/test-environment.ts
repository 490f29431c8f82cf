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
}

/**
 * Starts an in-memory broker and a {@link JobsSimulator} attached to it.
 * @param options - passed to the simulator.
 */
export async function createTestEnvironment(options: JobsSimulatorOptions = {}): Promise<TestEnvironment> {
  const broker = await createInMemoryBroker();
  const simulator = new JobsSimulator(options);
  await simulator.attach(broker);
  return {
    broker,
    simulator,
    connect: (clientOptions) => broker.connect(clientOptions),
    close: async () => {
      await simulator.close();
      await broker.close();
    },
  };
}

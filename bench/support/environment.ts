/**
 * The broker and simulator a benchmark runs against: the in-memory aedes
 * broker or aedes on a loopback TCP port, with the simulator attached in
 * both cases. Every client in one run goes through the same broker and
 * simulator.
 */

import type { AsyncMqttClient } from 'async-mqtt';
import { createInMemoryBroker, createTcpBroker, type TcpTestBroker, type TestBroker, type TestClientOptions } from '../../lib/testing/broker.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';

/** Which transport a benchmark environment uses. */
export type Transport = 'memory' | 'tcp';

/** A broker with the simulator attached. */
export interface BenchEnvironment {
  readonly transport: Transport;
  readonly broker: TestBroker;
  readonly simulator: JobsSimulator;
  /** `mqtt://127.0.0.1:PORT` for TCP; undefined in memory. */
  readonly url: string | undefined;
  /** The TCP port; undefined in memory. */
  readonly port: number | undefined;
  connect(options?: TestClientOptions): Promise<AsyncMqttClient>;
  close(): Promise<void>;
}

/** Starts a broker on `transport` and attaches a simulator that creates things on demand. */
export async function startEnvironment(transport: Transport): Promise<BenchEnvironment> {
  const tcp: TcpTestBroker | undefined = transport === 'tcp' ? await createTcpBroker() : undefined;
  const broker: TestBroker = tcp ?? (await createInMemoryBroker());
  // No AWS subscription quotas here: the gateway benchmark measures the per-thing mode past the 8 things that
  // AWS IoT Core's 50 subscriptions per connection allow (the simulator refuses that by default, as AWS does).
  const simulator = new JobsSimulator({ autoCreateThings: true, subscriptionQuotas: false });
  await simulator.attach(broker);
  return {
    transport,
    broker,
    simulator,
    url: tcp?.url,
    port: tcp?.port,
    connect: (options) => broker.connect(options),
    close: async () => {
      await simulator.close();
      await broker.close();
    },
  };
}

/** A JSON document for the benchmark jobs. */
export const DOCUMENT = JSON.stringify({ operation: 'bench', url: 'https://example.com/firmware.bin' });

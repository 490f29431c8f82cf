/**
 * Random faults for the runner's chaos test, drawn from a seeded generator,
 * at a rate per device request (so that a backing-off device is not starved
 * by faults piling up while it waits).
 * @packageDocumentation
 */

import type { TestEnvironment } from '../../lib/testing/test-environment.js';

/** An operation the simulator can fault. */
export type JobOperation = 'getPending' | 'startNext' | 'describe' | 'update';

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS: JobOperation[] = ['getPending', 'startNext', 'describe', 'update'];

/** Watches a thing's requests at the broker and adds faults for the following ones. */
export class ChaosInjector {
  /** Faults added, by kind. */
  readonly injected: Record<string, number> = {};
  /** Requests seen. */
  requests = 0;
  private stopped = false;

  constructor(
    private readonly env: TestEnvironment,
    private readonly thingName: string,
    private readonly random: () => number,
    private readonly rates: { faultRate: number; disconnectRate: number },
  ) {
    env.broker.aedes.on('publish', this.onPublish);
  }

  /** Adds no more faults. */
  stop(): void {
    this.stopped = true;
    this.env.broker.aedes.removeListener('publish', this.onPublish);
  }

  private readonly onPublish = (packet: { topic: string }): void => {
    if (this.stopped || !isRequest(packet.topic, this.thingName)) return;
    this.requests++;
    if (this.random() < this.rates.faultRate) this.fault(OPERATIONS[Math.floor(this.random() * OPERATIONS.length)]!);
    if (this.random() < this.rates.disconnectRate) {
      // Not from inside the broker's publish: on the next turn.
      setImmediate(() => {
        if (!this.stopped && this.env.simulator.faults.disconnectClient(this.thingName)) this.count('disconnect');
      });
    }
  };

  private fault(operation: JobOperation): void {
    const faults = this.env.simulator.faults;
    const match = { thingName: this.thingName, operation };
    const pick = this.random();
    if (pick < 0.25) {
      faults.dropReplies(match, 1);
      this.count(`drop-${operation}`);
    } else if (pick < 0.45) {
      faults.duplicateReplies(match, 1);
      this.count(`duplicate-${operation}`);
    } else if (pick < 0.6) {
      faults.delayReplies(match, 1, 100 + Math.floor(this.random() * 3_000));
      this.count(`delay-${operation}`);
    } else if (pick < 0.85) {
      faults.rejectNext(match, 1 + Math.floor(this.random() * 2), 'RequestThrottled');
      this.count(`throttle-${operation}`);
    } else {
      faults.rejectNext(match, 1, 'InternalError');
      this.count(`internal-${operation}`);
    }
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }
}

function isRequest(topic: string, thingName: string): boolean {
  const prefix = `$aws/things/${thingName}/jobs/`;
  if (!topic.startsWith(prefix)) return false;
  const rest = topic.slice(prefix.length);
  return rest === 'get' || rest === 'start-next' || /^[^/]+\/(get|update)$/.test(rest);
}

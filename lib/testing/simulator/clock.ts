/**
 * The simulator's source of time. Every time and timer of the simulator goes
 * through a {@link SimulatorClock}, so that tests can drive it.
 * @packageDocumentation
 */

/** Time and timers for the simulator. */
export interface SimulatorClock {
  /** The current time, in epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds; returns a handle for {@link SimulatorClock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer set with {@link SimulatorClock.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock. It reads `Date.now` and `globalThis.setTimeout` when each
 * method is called (not when the module loads), so jest fake timers
 * (`jest.useFakeTimers()` then `jest.advanceTimersByTime(...)`) drive it.
 * Timers are unref'd: a forgotten simulator does not keep Node alive.
 */
export const systemClock: SimulatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = globalThis.setTimeout(fn, ms) as unknown as { unref?: () => void };
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/** MQTT and HTTP data-plane time: integer epoch seconds (docs/protocol.md §3, docs/protocol.md §10). */
export function toDeviceSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Control-plane time: epoch seconds, fractional (docs/protocol.md §11). */
export function toControlSeconds(ms: number): number {
  return ms / 1000;
}

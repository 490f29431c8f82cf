/**
 * Loads the optional peer dependency aedes when a broker is first made, so
 * that what does not need it (the simulator attached to an external broker,
 * `aws-iot-jobs-sim --attach`, `--help`) works without it, and so that its
 * absence is one clear sentence instead of a module-resolution stack.
 * @packageDocumentation
 */

import type { Aedes } from 'aedes';
import { JobsError } from '../errors.js';

/** The version range of aedes this package is tested with (its peer dependency). */
export const AEDES_RANGE = '^1.2.0';

/** The optional peer dependency aedes is not installed, and an embedded broker needs it. */
export class AedesMissingError extends JobsError {
  /** @param options - `cause`: the module-resolution error. */
  constructor(options?: ErrorOptions) {
    super(`The embedded MQTT broker needs the optional peer dependency aedes: install it with \`npm install --save-dev aedes@${AEDES_RANGE}\` (or attach to an external broker instead).`, options);
  }
}

let loading: Promise<typeof Aedes> | undefined;

/**
 * aedes's `Aedes` class.
 * @throws {@link AedesMissingError} when aedes is not installed.
 */
export function loadAedes(): Promise<typeof Aedes> {
  loading ??= import('aedes').then(
    (module) => module.Aedes,
    (error: unknown) => {
      loading = undefined;
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new AedesMissingError({ cause: error });
      throw error;
    },
  );
  return loading;
}

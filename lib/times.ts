/**
 * Conversions between the wire's integer epoch seconds and `Date`, done only
 * at the high-level surface (the official JS SDK types these as `Date` but
 * delivers numbers).
 * @packageDocumentation
 */

/** Epoch seconds to a Date; `undefined` stays `undefined`. */
export function toDate(epochSeconds: number | undefined): Date | undefined {
  return epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000);
}

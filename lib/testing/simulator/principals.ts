/**
 * Principals attached to things, as AWS IoT's AttachThingPrincipal records
 * them: under `accessControl: 'thing-policy'` a connection's identity is its
 * client certificate, named by the certificate's ARN
 * (`arn:aws:iot:<region>:<account>:cert/<certificateId>`, where the id is the
 * SHA-256 of the certificate's DER bytes in hex, as AWS computes it).
 * @packageDocumentation
 */

import { createHash, X509Certificate } from 'node:crypto';
import { invalidRequest, notFound } from './simulator-error.js';

/** The largest principal AWS accepts (a certificate ARN or a Cognito identity). */
const MAX_PRINCIPAL_LENGTH = 2048;

/**
 * The certificate id AWS IoT gives a certificate: the SHA-256 of its DER
 * bytes, 64 lower-case hex digits.
 * @param certificate - PEM text, or DER bytes.
 * @throws Error when the PEM does not hold a certificate.
 */
export function certificateId(certificate: string | Uint8Array): string {
  const der = typeof certificate === 'string' ? new X509Certificate(certificate).raw : certificate;
  return createHash('sha256').update(der).digest('hex');
}

/** Which principals each thing has. */
export class ThingPrincipals {
  private readonly byThing = new Map<string, Set<string>>();

  /** @param isThing - true for a thing the simulator knows. */
  constructor(private readonly isThing: (thingName: string) => boolean) {}

  /**
   * AttachThingPrincipal.
   * @throws {@link SimulatorError} ResourceNotFoundException for an unknown thing, InvalidRequestException for an empty principal.
   */
  attach(thingName: string, principal: string): void {
    this.check(thingName, principal);
    let principals = this.byThing.get(thingName);
    if (principals === undefined) this.byThing.set(thingName, (principals = new Set()));
    principals.add(principal);
  }

  /** DetachThingPrincipal. @throws {@link SimulatorError} as {@link ThingPrincipals.attach} */
  detach(thingName: string, principal: string): void {
    this.check(thingName, principal);
    this.byThing.get(thingName)?.delete(principal);
  }

  /** ListThingPrincipals, in attachment order. @throws {@link SimulatorError} ResourceNotFoundException */
  list(thingName: string): string[] {
    if (!this.isThing(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
    return [...(this.byThing.get(thingName) ?? [])];
  }

  /** True when `principal` is attached to the (existing) thing. */
  has(thingName: string, principal: string): boolean {
    return this.isThing(thingName) && (this.byThing.get(thingName)?.has(principal) ?? false);
  }

  /** Forgets a deleted thing's principals. */
  forget(thingName: string): void {
    this.byThing.delete(thingName);
  }

  private check(thingName: string, principal: string): void {
    if (typeof principal !== 'string' || principal.length === 0 || principal.length > MAX_PRINCIPAL_LENGTH) {
      throw invalidRequest(`principal must be a string of 1 to ${MAX_PRINCIPAL_LENGTH} characters.`);
    }
    if (!this.isThing(thingName)) throw notFound(`Thing ${thingName} cannot be found.`);
  }
}

/**
 * Which HTTP API a request is for. The jobs data plane and the control plane
 * share paths (`GET /things/{thingName}/jobs` means GetPendingJobExecutions on
 * one and ListJobExecutionsForThing on the other), so one port tells them
 * apart by the service in the SigV4 credential scope. Signatures themselves
 * are not verified.
 * @packageDocumentation
 */

import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-error.js';

/** The two HTTP APIs the simulator serves. */
export type Plane = 'data' | 'control';

/** Signing names of the jobs data plane (`iot-jobs-data`). */
export const DATA_PLANE_SERVICES: readonly string[] = ['iot-jobs-data'];

/**
 * Signing names of the control plane: the AWS SDK for JavaScript v3 signs
 * with `iot`, botocore (boto3, the AWS CLI) with `execute-api`.
 */
export const CONTROL_PLANE_SERVICES: readonly string[] = ['execute-api', 'iot'];

/** `Credential=AKID/20240101/us-east-1/iot-jobs-data/aws4_request`: the service is the 4th scope part. */
const CREDENTIAL = /Credential=([^,\s]+)/;

/**
 * The service of the request's SigV4 credential scope, from the
 * `Authorization` header or, for presigned URLs, the `X-Amz-Credential` query
 * parameter; `undefined` when the request is not SigV4-signed.
 */
export function signingService(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const authorization = headers.authorization;
  let credential: string | undefined;
  if (authorization !== undefined && /^AWS4-HMAC-SHA256\s/i.test(authorization)) {
    credential = CREDENTIAL.exec(authorization)?.[1];
    if (credential === undefined) return '';
  } else {
    credential = query.get('X-Amz-Credential') ?? undefined;
  }
  if (credential === undefined) return undefined;
  return credential.split('/')[3] ?? '';
}

/**
 * The plane a request is for: `'data'` for scope `iot-jobs-data`, `'control'`
 * for `execute-api` or `iot`, `undefined` for an unsigned request (the router
 * then tries the data plane first).
 * @throws {@link HttpError} 403 InvalidSignatureException for a signature scoped to another service.
 */
export function detectPlane(headers: IncomingHttpHeaders, query: URLSearchParams): Plane | undefined {
  const service = signingService(headers, query);
  if (service === undefined) return undefined;
  if (DATA_PLANE_SERVICES.includes(service)) return 'data';
  if (CONTROL_PLANE_SERVICES.includes(service)) return 'control';
  throw new HttpError(
    403,
    'InvalidSignatureException',
    `Credential should be scoped to correct service: 'iot-jobs-data' (jobs data plane) or 'execute-api' / 'iot' (control plane), not ${JSON.stringify(service)}.`,
  );
}

import { describe, expect, test } from '@jest/globals';
import { detectPlane, signingService } from '../../lib/server/plane.js';

const auth = (service: string): { authorization: string } => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240702/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123`,
});
const none = new URLSearchParams();

describe('plane detection from the SigV4 credential scope', () => {
  test('iot-jobs-data is the data plane', () => {
    expect(detectPlane(auth('iot-jobs-data'), none)).toBe('data');
  });

  test('execute-api and iot are the control plane', () => {
    expect(detectPlane(auth('execute-api'), none)).toBe('control');
    expect(detectPlane(auth('iot'), none)).toBe('control');
  });

  test('an unsigned request has no plane', () => {
    expect(detectPlane({}, none)).toBeUndefined();
    expect(detectPlane({ authorization: 'Bearer token' }, none)).toBeUndefined();
  });

  test('a presigned URL carries the scope in X-Amz-Credential', () => {
    const query = new URLSearchParams({ 'X-Amz-Credential': 'AKID/20240702/eu-west-1/iot-jobs-data/aws4_request' });
    expect(detectPlane({}, query)).toBe('data');
  });

  test('the algorithm name is case-insensitive and the service is the 4th scope part', () => {
    expect(signingService({ authorization: 'aws4-hmac-sha256 Credential=A/20240101/r/execute-api/aws4_request,SignedHeaders=host' }, none)).toBe(
      'execute-api',
    );
  });

  test('a scope for another service is a 403 InvalidSignatureException', () => {
    expect(() => detectPlane(auth('s3'), none)).toThrow(expect.objectContaining({ status: 403, errorType: 'InvalidSignatureException' }));
    expect(() => detectPlane({ authorization: 'AWS4-HMAC-SHA256 garbage' }, none)).toThrow(
      expect.objectContaining({ status: 403, errorType: 'InvalidSignatureException' }),
    );
  });
});

import { describe, expect, test } from '@jest/globals';
import { REJECTED_ERROR_CODES } from '../../lib/protocol/shapes.js';
import { deviceErrorToHttp } from '../../lib/server/device-shapes.js';

describe('device replies in HTTP shapes', () => {
  test('every device error code has its modeled HTTP exception (docs/protocol.md §5, §14)', () => {
    const mapped = Object.fromEntries(
      REJECTED_ERROR_CODES.map((code) => {
        const error = deviceErrorToHttp({ code, message: 'm' });
        return [code, `${error.status} ${error.errorType}`];
      }),
    );
    expect(mapped).toEqual({
      InvalidTopic: '400 InvalidRequestException',
      InvalidJson: '400 InvalidRequestException',
      InvalidRequest: '400 InvalidRequestException',
      InvalidStateTransition: '409 InvalidStateTransitionException',
      ResourceNotFound: '404 ResourceNotFoundException',
      VersionMismatch: '400 InvalidRequestException',
      InternalError: '503 ServiceUnavailableException',
      RequestThrottled: '429 ThrottlingException',
      TerminalStateReached: '410 TerminalStateException',
    });
  });

  test('VersionMismatch names the version conflict, and can be a 409 instead', () => {
    expect(deviceErrorToHttp({ code: 'VersionMismatch', message: 'expectedVersion 1 is not 2' }).message).toBe(
      'Version conflict (VersionMismatch): expectedVersion 1 is not 2',
    );
    expect(deviceErrorToHttp({ code: 'VersionMismatch', message: 'x' }, 'InvalidStateTransitionException')).toMatchObject({
      status: 409,
      errorType: 'InvalidStateTransitionException',
    });
  });
});

import { describe, expect, test } from '@jest/globals';
import { decodeDescribeAccepted, decodeGetPendingAccepted, decodeJobExecutionsChanged, decodeNextJobExecutionChanged, decodeRejected, decodeStartNextAccepted, decodeUpdateAccepted, encodeDescribeRequest, encodeGetPendingRequest, encodeStartNextRequest, encodeUpdateRequest, parsePayload, type DecodeResult, type Payload } from '../../lib/protocol/codec.js';

const ALL_DECODERS: Array<[string, (payload: Payload) => DecodeResult<unknown>]> = [
  ['getPending', decodeGetPendingAccepted],
  ['startNext', decodeStartNextAccepted],
  ['describe', decodeDescribeAccepted],
  ['update', decodeUpdateAccepted],
  ['rejected', decodeRejected],
  ['notify', decodeJobExecutionsChanged],
  ['notify-next', decodeNextJobExecutionChanged],
];

function decoded<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw new Error(`expected a decoded value, got: ${result.error}`);
  return result.value;
}

function failure(result: DecodeResult<unknown>): string {
  if (result.ok) throw new Error(`expected a decode error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('encoders keep falsy-but-present fields and drop undefined ones', () => {
  test('describe with includeJobDocument false and executionNumber 0', () => {
    expect(encodeDescribeRequest({ includeJobDocument: false, executionNumber: 0 })).toBe('{"executionNumber":0,"includeJobDocument":false}');
  });
  test('update with expectedVersion 0 and every option', () => {
    expect(
      encodeUpdateRequest({
        status: 'IN_PROGRESS',
        statusDetails: { progress: '1' },
        expectedVersion: 0,
        executionNumber: 0,
        includeJobExecutionState: false,
        includeJobDocument: false,
        stepTimeoutInMinutes: -1,
        clientToken: 'tok',
      }),
    ).toBe(
      '{"status":"IN_PROGRESS","statusDetails":{"progress":"1"},"expectedVersion":0,"executionNumber":0,' +
        '"includeJobExecutionState":false,"includeJobDocument":false,"stepTimeoutInMinutes":-1,"clientToken":"tok"}',
    );
  });
  test('minimal requests', () => {
    expect(encodeGetPendingRequest({})).toBe('{}');
    expect(encodeGetPendingRequest({ clientToken: 'a' })).toBe('{"clientToken":"a"}');
    expect(encodeStartNextRequest({ stepTimeoutInMinutes: 5 })).toBe('{"stepTimeoutInMinutes":5}');
    expect(encodeUpdateRequest({ status: 'SUCCEEDED' })).toBe('{"status":"SUCCEEDED"}');
  });
  test('fields that are not part of the request are not sent', () => {
    const request = { clientToken: 'a', thingName: 'other' } as { clientToken: string };
    expect(encodeGetPendingRequest(request)).toBe('{"clientToken":"a"}');
  });
});

describe('decoders accept the live captures of docs/protocol.md §4 and §6', () => {
  test('get/accepted', () => {
    const value = decoded(
      decodeGetPendingAccepted(
        '{"clientToken":"58920924","timestamp":1719940632,"inProgressJobs":[{"jobId":"Job1","queuedAt":1719940994,"lastUpdatedAt":1719943388,' +
          '"startedAt":1719943388,"executionNumber":1,"versionNumber":2}],"queuedJobs":[{"jobId":"Job2","queuedAt":1719941716,' +
          '"lastUpdatedAt":1719941716,"executionNumber":1,"versionNumber":1}]}',
      ),
    );
    expect(value).toEqual({
      clientToken: '58920924',
      timestamp: 1719940632,
      inProgressJobs: [{ jobId: 'Job1', queuedAt: 1719940994, lastUpdatedAt: 1719943388, startedAt: 1719943388, executionNumber: 1, versionNumber: 2 }],
      queuedJobs: [{ jobId: 'Job2', queuedAt: 1719941716, lastUpdatedAt: 1719941716, executionNumber: 1, versionNumber: 1 }],
    });
  });

  test('start-next/accepted with and without execution', () => {
    const started = decoded(
      decodeStartNextAccepted(
        '{"timestamp":1719943388,"execution":{"jobId":"Job1","status":"IN_PROGRESS","queuedAt":1719940994,"startedAt":1719943388,' +
          '"lastUpdatedAt":1719943388,"versionNumber":2,"executionNumber":1,"jobDocument":{"ToDo":"Reboot"}}}',
      ),
    );
    expect(started.execution).toEqual({
      jobId: 'Job1',
      status: 'IN_PROGRESS',
      queuedAt: 1719940994,
      startedAt: 1719943388,
      lastUpdatedAt: 1719943388,
      versionNumber: 2,
      executionNumber: 1,
      jobDocument: { ToDo: 'Reboot' },
    });
    expect(decoded(decodeStartNextAccepted('{"timestamp":1719943388}'))).toEqual({ timestamp: 1719943388 });
  });

  test('$next/get/accepted with nothing pending, and execution: null read as none', () => {
    expect(decoded(decodeDescribeAccepted('{"timestamp":1,"clientToken":"c"}'))).toEqual({ timestamp: 1, clientToken: 'c' });
    expect(decoded(decodeNextJobExecutionChanged('{"timestamp":1,"execution":null}'))).toEqual({ timestamp: 1 });
  });

  test('update/accepted with state and document', () => {
    expect(
      decoded(
        decodeUpdateAccepted(
          '{"timestamp":5,"clientToken":"c","executionState":{"status":"SUCCEEDED","statusDetails":{"a":"b"},"versionNumber":3},"jobDocument":{"x":1}}',
        ),
      ),
    ).toEqual({ timestamp: 5, clientToken: 'c', executionState: { status: 'SUCCEEDED', statusDetails: { a: 'b' }, versionNumber: 3 }, jobDocument: { x: 1 } });
  });

  test('rejected with executionState', () => {
    expect(
      decoded(
        decodeRejected('{"code":"VersionMismatch","message":"m","clientToken":"c","timestamp":9,"executionState":{"status":"IN_PROGRESS","versionNumber":4}}'),
      ),
    ).toEqual({ code: 'VersionMismatch', message: 'm', clientToken: 'c', timestamp: 9, executionState: { status: 'IN_PROGRESS', versionNumber: 4 } });
  });

  test('notify with and without jobs', () => {
    expect(
      decoded(
        decodeJobExecutionsChanged(
          '{"timestamp":1719940994,"jobs":{"QUEUED":[{"jobId":"Job1","queuedAt":1719940994,"lastUpdatedAt":1719940994,"executionNumber":1,"versionNumber":1}]}}',
        ),
      ),
    ).toEqual({
      timestamp: 1719940994,
      jobs: { QUEUED: [{ jobId: 'Job1', queuedAt: 1719940994, lastUpdatedAt: 1719940994, executionNumber: 1, versionNumber: 1 }] },
    });
    expect(decoded(decodeJobExecutionsChanged('{"timestamp":1719948116,"jobs":{}}'))).toEqual({ timestamp: 1719948116, jobs: {} });
  });

  test('unknown fields are ignored, not passed through', () => {
    expect(decoded(decodeStartNextAccepted('{"timestamp":1,"extra":{"deep":true}}'))).toEqual({ timestamp: 1 });
  });

  test('a Buffer payload decodes like a string', () => {
    expect(decoded(decodeNextJobExecutionChanged(Buffer.from('{"timestamp":3}')))).toEqual({ timestamp: 3 });
  });
});

describe('decoders refuse malformed input without throwing', () => {
  const garbage: Array<[string, Payload]> = [
    ['not JSON', 'hello'],
    ['truncated JSON', '{"timestamp":'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"x"'],
    ['JSON null', 'null'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['a 200 KB payload', JSON.stringify({ timestamp: 1, pad: 'x'.repeat(200 * 1024) })],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ];
  test.each(ALL_DECODERS)('%s', (_name, decode) => {
    for (const [, payload] of garbage) {
      expect(() => decode(payload)).not.toThrow();
      expect(decode(payload).ok).toBe(false);
    }
  });

  test.each([
    ['missing timestamp', decodeStartNextAccepted, '{}', 'timestamp must be an integer'],
    ['string timestamp', decodeStartNextAccepted, '{"timestamp":"1"}', 'timestamp must be an integer'],
    ['fractional time', decodeStartNextAccepted, '{"timestamp":1.5}', 'timestamp must be an integer'],
    ['missing list', decodeGetPendingAccepted, '{"timestamp":1,"queuedJobs":[]}', 'inProgressJobs must be an array'],
    ['bad summary', decodeGetPendingAccepted, '{"timestamp":1,"inProgressJobs":[{"jobId":1}],"queuedJobs":[]}', 'inProgressJobs[0].jobId must be a string'],
    ['bad status', decodeDescribeAccepted, '{"timestamp":1,"execution":{"jobId":"j","status":"DONE"}}', 'execution.status must be one of'],
    ['document not object', decodeDescribeAccepted,
      '{"timestamp":1,"execution":{"jobId":"j","status":"QUEUED","queuedAt":1,"lastUpdatedAt":1,"versionNumber":1,"executionNumber":1,"jobDocument":"{}"}}',
      'execution.jobDocument must be an object'],
    ['statusDetails value not string', decodeDescribeAccepted,
      '{"timestamp":1,"execution":{"jobId":"j","status":"QUEUED","queuedAt":1,"lastUpdatedAt":1,"versionNumber":1,"executionNumber":1,"statusDetails":{"a":1}}}',
      'execution.statusDetails.a must be a string'],
    ['unknown code', decodeRejected, '{"code":"Nope","timestamp":1}', 'code must be one of'],
    ['clientToken not string', decodeRejected, '{"code":"InvalidJson","clientToken":5}', 'clientToken must be a string'],
    ['jobs not object', decodeJobExecutionsChanged, '{"timestamp":1,"jobs":[]}', 'jobs must be an object'],
    ['jobs unknown status', decodeJobExecutionsChanged, '{"timestamp":1,"jobs":{"WAITING":[]}}', 'jobs.WAITING must be one of'],
    ['execution not object', decodeNextJobExecutionChanged, '{"timestamp":1,"execution":5}', 'execution must be an object'],
  ] as Array<[string, (p: Payload) => DecodeResult<unknown>, string, string]>)('%s', (_name, decode, payload, message) => {
    expect(failure(decode(payload))).toContain(message);
  });

  test('an empty payload reads as {}', () => {
    expect(parsePayload('')).toEqual({ ok: true, value: {} });
    expect(parsePayload(Buffer.alloc(0))).toEqual({ ok: true, value: {} });
  });
});

describe('decoders take a parsed object as well as a raw payload', () => {
  test('the same result either way, and shape errors are still results', () => {
    const body = { execution: { jobId: 'j', status: 'QUEUED', queuedAt: 1, lastUpdatedAt: 1, versionNumber: 1, executionNumber: 1 }, timestamp: 2 };
    expect(decodeDescribeAccepted(body)).toEqual(decodeDescribeAccepted(JSON.stringify(body)));
    expect(decodeDescribeAccepted({ timestamp: 'soon' })).toEqual({ ok: false, error: 'timestamp must be an integer' });
  });
});

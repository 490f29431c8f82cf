/** Commands topics against the literal strings of AWS's documentation and device SDKs, and the JSON/CBOR codec. */
import { describe, expect, test } from '@jest/globals';
import { encode as encodeCbor } from 'cborg';
import { decodeCommandRejected, decodeCommandResponse, encodeCommandResponse } from '../../lib/protocol/commands/codec.js';
import {
  commandAcceptedTopic,
  commandEventTopic,
  commandRejectedTopic,
  commandRequestFilter,
  commandRequestTopic,
  commandResponseTopic,
  parseCommandEventTopic,
  parseCommandTopic,
} from '../../lib/protocol/commands/topics.js';

describe('Commands topics', () => {
  test('builders spell the documented topics', () => {
    expect(commandRequestTopic('things', 'valve-1', 'e-1', 'json')).toBe('$aws/commands/things/valve-1/executions/e-1/request/json');
    expect(commandRequestTopic('clients', 'c1', 'e-1', 'generic')).toBe('$aws/commands/clients/c1/executions/e-1/request');
    expect(commandRequestFilter('things', 'valve-1', 'cbor')).toBe('$aws/commands/things/valve-1/executions/+/request/cbor');
    expect(commandResponseTopic('things', 'valve-1', 'e-1', 'json')).toBe('$aws/commands/things/valve-1/executions/e-1/response/json');
    expect(commandAcceptedTopic('things', 'valve-1', 'e-1', 'json')).toBe('$aws/commands/things/valve-1/executions/e-1/response/accepted/json');
    expect(commandRejectedTopic('clients', 'c1', 'e-1', 'cbor')).toBe('$aws/commands/clients/c1/executions/e-1/response/rejected/cbor');
    expect(commandEventTopic('open-valve', 'FAILED')).toBe('$aws/events/commandExecution/open-valve/FAILED');
  });

  test('the parser maps each topic back and refuses malformed ones', () => {
    expect(parseCommandTopic('$aws/commands/things/valve-1/executions/e-1/request')).toEqual({ kind: 'request', deviceType: 'things', deviceId: 'valve-1', executionId: 'e-1', format: 'generic' });
    expect(parseCommandTopic('$aws/commands/clients/c1/executions/e-1/response/rejected/cbor')).toMatchObject({ kind: 'rejected', format: 'cbor' });
    expect(parseCommandTopic('$aws/commands/things/valve-1/executions/e-1/response/json')).toMatchObject({ kind: 'response', format: 'json' });
    for (const bad of [
      '$aws/commands/devices/x/executions/e/request',
      '$aws/commands/things/bad name/executions/e/request',
      '$aws/commands/things/t/executions/e.1/request',
      '$aws/commands/things/t/executions/e/request/xml',
      '$aws/commands/things/t/executions/e/response/accepted',
      '$aws/things/t/jobs/get',
    ]) {
      expect(parseCommandTopic(bad)).toBeUndefined();
    }
    expect(parseCommandEventTopic('$aws/events/commandExecution/open/SUCCEEDED')).toEqual({ commandId: 'open', status: 'SUCCEEDED' });
    expect(parseCommandEventTopic('$aws/events/commandExecution/open/DONE')).toBeUndefined();
  });
});

describe('Commands codec', () => {
  test('a response round-trips in JSON (bin as base64) and in CBOR (bin as bytes)', () => {
    const response = { status: 'SUCCEEDED' as const, statusReason: { reasonCode: 'OK' }, result: { out: { s: 'x' }, flag: { b: false }, raw: { bin: new Uint8Array([0, 255]) } } };
    const json = encodeCommandResponse('json', response);
    expect(JSON.parse(new TextDecoder().decode(json))).toEqual({ status: 'SUCCEEDED', statusReason: { reasonCode: 'OK' }, result: { out: { s: 'x' }, flag: { b: false }, raw: { bin: 'AP8=' } } });
    expect(decodeCommandResponse('json', json)).toEqual({ ok: true, value: response });
    expect(decodeCommandResponse('cbor', encodeCommandResponse('cbor', response))).toEqual({ ok: true, value: response });
    // The API's capitalised spelling is read too.
    expect(decodeCommandResponse('cbor', encodeCbor({ status: 'FAILED', result: { a: { S: 'y' } } }))).toEqual({ ok: true, value: { status: 'FAILED', result: { a: { s: 'y' } } } });
  });

  test('malformed input is an error value, never a throw', () => {
    for (const [format, bytes] of [
      ['json', new TextEncoder().encode('{')],
      ['json', new Uint8Array([0xff])],
      ['cbor', new Uint8Array([0xff, 0x00])],
      ['cbor', encodeCbor([1, 2])],
      ['json', new TextEncoder().encode('{"status":"DONE"}')],
      ['json', new TextEncoder().encode('{"status":"FAILED","result":{"a":{"s":"x","b":true}}}')],
      ['json', new Uint8Array(200 * 1024)],
    ] as const) {
      expect(decodeCommandResponse(format, bytes).ok).toBe(false);
    }
    expect(decodeCommandRejected('json', new TextEncoder().encode('{"error":"InvalidRequest","errorMessage":"bad","executionId":"e"}'))).toEqual({
      ok: true,
      value: { error: 'InvalidRequest', errorMessage: 'bad', executionId: 'e' },
    });
  });
});

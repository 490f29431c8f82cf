/**
 * The Commands simulator's control API, timers, events and faults, without a
 * device face: what AWS's documents state, and the choices of docs/commands.md §9.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { CommandsServiceError } from '../../lib/testing/simulator/commands/commands-error.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { Commands } from '../../lib/commands/commands.js';
import { Thing } from '../../lib/thing.js';

let env: TestEnvironment | undefined;
let simulator: JobsSimulator | undefined;
afterEach(async () => {
  await env?.close();
  await simulator?.close();
  env = simulator = undefined;
  jest.useRealTimers();
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CommandsServiceError) return `${error.code} ${error.httpStatus}`;
    throw error;
  }
  return undefined;
}

describe('the Commands control API', () => {
  test('validation: namespace, payload xor template, ids, targets, timeouts, parameters', () => {
    simulator = new JobsSimulator({ autoCreateThings: true });
    const { commands } = simulator;
    expect(codeOf(() => commands.createCommand({ commandId: 'fw', namespace: 'AWS-IoT-FleetWise', payload: { content: new Uint8Array() } }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.createCommand({ commandId: 'both', payload: { content: new Uint8Array() }, payloadTemplate: '{}' }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.createCommand({ commandId: 'bad id', payload: { content: new Uint8Array() } }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.createCommand({ commandId: 'big', payload: { content: new Uint8Array(32 * 1024 + 1) } }))).toBe('ValidationException 400');
    const { commandArn } = commands.createCommand({ commandId: 'tpl', payloadTemplate: '{"a":${aws:iot:commandexecution::parameter:a}}', mandatoryParameters: [{ name: 'a' }] });
    const targetArn = commands.thingArn('t1');
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn }))).toBe('ValidationException 400'); // no value, no default
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn, parameters: { a: { S: 'not json' } } }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn, parameters: { a: { I: 1, S: 'x' } } }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn, parameters: { a: { I: 1 } }, executionTimeoutSeconds: 0 }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn: 'arn:aws:iot:eu-west-1:123456789012:thing/t1', parameters: { a: { I: 1 } } }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.startCommandExecution({ commandArn: commands.commandArn('nope'), targetArn }))).toBe('ResourceNotFoundException 404');
    expect(codeOf(() => commands.getCommandExecution({ executionId: 'nope', targetArn }))).toBe('ResourceNotFoundException 404');
    expect(codeOf(() => commands.listCommands({ maxResults: 0 }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.listCommandExecutions({ nextToken: 'garbage' }))).toBe('ValidationException 400');
    expect(codeOf(() => commands.startCommandExecution({ commandArn, targetArn, parameters: { a: { I: 1 } } }))).toBeUndefined();
  });

  test('events: CREATED, then the device statuses, on $aws/events/commandExecution/<commandId>/<status> through the broker', async () => {
    env = await createTestEnvironment();
    env.simulator.createThing({ thingName: 't1' });
    const watcher = await env.connect({ clientId: 'monitor' });
    await watcher.subscribe('$aws/events/commandExecution/+/#', { qos: 1 });
    const seen: Array<[string, Record<string, unknown>]> = [];
    const two = new Promise<void>((resolve) =>
      watcher.on('message', (topic: string, body: Buffer) => {
        seen.push([topic, JSON.parse(body.toString()) as Record<string, unknown>]);
        if (seen.length === 2) resolve();
      }),
    );
    const { commands } = env.simulator;
    const { commandArn } = commands.createCommand({ commandId: 'reboot', payload: { content: new Uint8Array([1]) } });
    const targetArn = commands.thingArn('t1');
    const { executionId } = commands.startCommandExecution({ commandArn, targetArn });
    expect(commands.updateCommandExecution('things', 't1', executionId, { status: 'FAILED', statusReason: { reasonCode: 'DEVICE_TOO_BUSY' } })).toEqual({ ok: true });
    await two;
    expect(seen.map(([topic]) => topic)).toEqual(['$aws/events/commandExecution/reboot/CREATED', '$aws/events/commandExecution/reboot/FAILED']);
    expect(seen[1]![1]).toEqual({
      executionId,
      status: 'FAILED',
      statusReason: { reasonCode: 'DEVICE_TOO_BUSY' },
      eventType: 'COMMAND_EXECUTION',
      commandArn,
      targetArn,
      timestamp: expect.any(Number),
    });
    expect(seen[1]![1].timestamp).toBeGreaterThan(1e12); // milliseconds, as AWS's example
  });

  test('a lost request: the execution stays CREATED and the timer on the simulator clock makes it TIMED_OUT', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    env = await createTestEnvironment();
    env.simulator.createThing({ thingName: 't1' });
    const { commands } = env.simulator;
    const requests: string[] = [];
    commands.on('request', (request) => requests.push(request.executionId));
    commands.faults.dropRequests({ deviceId: 't1' });
    const { commandArn } = commands.createCommand({ commandId: 'c', payload: { content: new Uint8Array([1]) } });
    const targetArn = commands.thingArn('t1');
    const { executionId } = commands.startCommandExecution({ commandArn, targetArn });
    expect(requests).toEqual([executionId]); // decided, then lost by the fault
    await jest.advanceTimersByTimeAsync(9_999); // default executionTimeoutSeconds: 10
    expect(commands.getCommandExecution({ executionId, targetArn }).status).toBe('CREATED');
    await jest.advanceTimersByTimeAsync(1);
    expect(commands.getCommandExecution({ executionId, targetArn })).toMatchObject({ status: 'TIMED_OUT', statusReason: { reasonCode: '$NO_RESPONSE_FROM_DEVICE' } });
    expect(commands.listCommandExecutions({ status: 'TIMED_OUT' }).commandExecutions.map((e) => e.executionId)).toEqual([executionId]);
    expect(commands.listCommandExecutions({ completedTimeFilter: { before: '1970-01-02T00:00:00Z' } }).commandExecutions).toEqual([]);
  });

  test('thing-policy access control lets a thing use its own Commands topics only', async () => {
    env = await createTestEnvironment({ accessControl: 'thing-policy' });
    env.simulator.createThing({ thingName: 't1' });
    const device = await env.connect({ clientId: 't1' });
    const own = await device.subscribe('$aws/commands/things/t1/executions/+/request/json', { qos: 1 });
    const other = await device.subscribe('$aws/commands/things/t2/executions/+/request/json', { qos: 1 });
    expect(own.map((grant) => grant.qos)).toEqual([1]);
    expect(other.map((grant) => grant.qos)).toEqual([128]);
  });

  test('under thing-policy a device answers its own commands, and forging a request closes its connection', async () => {
    env = await createTestEnvironment({ accessControl: 'thing-policy' });
    env.simulator.createThing({ thingName: 't1' });
    const device = await env.connect({ clientId: 't1' });
    const face = new Commands(new Thing('t1', device), { formats: ['json'] });
    await face.ready;
    const { commands } = env.simulator;
    const { commandArn } = commands.createCommand({ commandId: 'c', payload: { content: new TextEncoder().encode('{}'), contentType: 'application/json' } });
    const targetArn = commands.thingArn('t1');
    const { executionId } = commands.startCommandExecution({ commandArn, targetArn });
    const execution = await face.next({ timeoutMs: 5_000 });
    await execution.reply('SUCCEEDED', {}, { timeoutMs: 5_000 });
    expect(commands.getCommandExecution({ executionId, targetArn }).status).toBe('SUCCEEDED');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(`$aws/commands/things/t1/executions/${executionId}/request/json`, '{}', { qos: 1 }).catch(() => undefined);
    await closed;
    // Closing settles with the connection down, too (nothing is left waiting for an UNSUBACK).
    await face.close();
  });
});

/**
 * The device-side Commands face against the in-process simulator: accept,
 * reject, timeout, cancel, duplicate and late replies, reconnect, CBOR, the
 * gateway wildcard mode, and bad input refused before anything is sent.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type { AsyncMqttClient } from 'async-mqtt';
import { encode as encodeCbor } from 'cborg';
import { Commands } from '../../lib/commands/commands.js';
import { CommandsClient } from '../../lib/commands/commands-client.js';
import { CommandRejectedError, CommandTimeoutError } from '../../lib/commands/command-errors.js';
import { ConnectionClosedError, InvalidArgumentError, JobsTimeoutError } from '../../lib/errors.js';
import { Thing } from '../../lib/thing.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';

const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = { doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] };

let env: TestEnvironment | undefined;
let commands: Commands[] = [];
afterEach(async () => {
  for (const c of commands) await c.close();
  commands = [];
  await env?.close();
  env = undefined;
  jest.useRealTimers();
});

async function setup(thingNames: string[] = ['valve-1'], clientOptions: { reconnectPeriod?: number; resubscribe?: boolean } = {}): Promise<{ env: TestEnvironment; client: AsyncMqttClient }> {
  env = await createTestEnvironment();
  for (const thingName of thingNames) env.simulator.createThing({ thingName });
  const client = await env.connect({ clientId: thingNames[0] ?? 'device', ...clientOptions });
  return { env, client };
}

function open(target: ConstructorParameters<typeof Commands>[0], options?: ConstructorParameters<typeof Commands>[1]): Commands {
  const made = new Commands(target, options);
  commands.push(made);
  return made;
}

function jsonCommand(env: TestEnvironment, commandId: string, body: unknown): string {
  return env.simulator.commands.createCommand({ commandId, payload: { content: new TextEncoder().encode(JSON.stringify(body)), contentType: 'application/json' } }).commandArn;
}

function start(env: TestEnvironment, commandArn: string, thingName = 'valve-1', executionTimeoutSeconds = 60): string {
  return env.simulator.commands.startCommandExecution({ commandArn, targetArn: env.simulator.commands.thingArn(thingName), executionTimeoutSeconds }).executionId;
}

function statusOf(env: TestEnvironment, executionId: string, thingName = 'valve-1'): string {
  return env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn(thingName) }).status;
}

describe('Commands (device side)', () => {
  test('accept: the device receives the payload, reports progress and success; the service records them', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const events: string[] = [];
    env.simulator.commands.on('event', (event) => events.push(event.payload.status));
    const executionId = start(env, jsonCommand(env, 'open', { valve: 'A' }));
    const execution = await device.next();
    expect(execution).toMatchObject({ executionId, format: 'json', contentType: 'application/json', deviceType: 'things', deviceId: 'valve-1' });
    expect(execution.decoded()).toEqual({ valve: 'A' });
    expect(execution.signal.aborted).toBe(false);
    await execution.reply('IN_PROGRESS');
    expect(statusOf(env, executionId)).toBe('IN_PROGRESS');
    await execution.reply('SUCCEEDED', { result: { opened: { s: 'A' } } });
    expect(env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn('valve-1'), includeResult: true })).toMatchObject({
      status: 'SUCCEEDED',
      result: { opened: { S: 'A' } },
    });
    expect(execution.done).toBe(true);
    expect(events).toEqual(['CREATED', 'IN_PROGRESS', 'SUCCEEDED']);
  });

  test('reject: the device refuses with a reason; a second terminal reply is rejected with TerminalStateReached, and the finished execution keeps its signal', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const executionId = start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    await execution.reply('REJECTED', { statusReason: { reasonCode: 'DEVICE_TOO_BUSY', reasonDescription: 'busy' } });
    expect(env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn('valve-1') })).toMatchObject({
      status: 'REJECTED',
      statusReason: { reasonCode: 'DEVICE_TOO_BUSY', reasonDescription: 'busy' },
    });
    const again = await execution.reply('SUCCEEDED').catch((error: unknown) => error);
    expect(again).toBeInstanceOf(CommandRejectedError);
    expect(again).toMatchObject({ code: 'TerminalStateReached', executionId });
    // The execution is done: the signal is not aborted for a finished execution.
    expect(execution.signal.aborted).toBe(false);
  });

  test('the service rejects a reply (injected RequestThrottled): a typed error, retryable, and the retry succeeds', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const executionId = start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    env.simulator.commands.faults.rejectNext({ deviceId: 'valve-1' }, 1, 'RequestThrottled');
    const error = await execution.reply('SUCCEEDED').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRejectedError);
    expect((error as CommandRejectedError).retryable).toBe(true);
    expect(statusOf(env, executionId)).toBe('CREATED');
    await execution.reply('SUCCEEDED');
    expect(statusOf(env, executionId)).toBe('SUCCEEDED');
  });

  test('timeout: on the simulator clock the execution becomes TIMED_OUT; the device signal aborts with CommandTimeoutError; a late terminal reply is still recorded once', async () => {
    jest.useFakeTimers(FAKE_TIMERS);
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client), { executionTimeoutMs: 5_000 });
    await device.ready;
    const executionId = start(env, jsonCommand(env, 'slow', {}), 'valve-1', 5);
    const execution = await device.next();
    const aborted = new Promise<unknown>((resolve) => execution.signal.addEventListener('abort', () => resolve(execution.signal.reason)));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(execution.signal.aborted).toBe(false);
    expect(statusOf(env, executionId)).toBe('CREATED');
    await jest.advanceTimersByTimeAsync(1);
    expect(await aborted).toBeInstanceOf(CommandTimeoutError);
    expect(env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn('valve-1') })).toMatchObject({
      status: 'TIMED_OUT',
      statusReason: { reasonCode: '$NO_RESPONSE_FROM_DEVICE' },
    });
    // Late: AWS lets a device still report the outcome of a timed-out execution (docs/commands.md §6) — once.
    await execution.reply('FAILED', { statusReason: { reasonCode: 'TOO_LATE' } });
    expect(statusOf(env, executionId)).toBe('FAILED');
    await expect(execution.reply('SUCCEEDED')).rejects.toMatchObject({ code: 'TerminalStateReached' });
  });

  test('a reply that gets no answer times out with JobsTimeoutError, and its late answer is ignored', async () => {
    jest.useFakeTimers(FAKE_TIMERS);
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const executionId = start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    env.simulator.commands.faults.delayReplies({ deviceId: 'valve-1' }, 1, 5_000);
    const reply = execution.reply('IN_PROGRESS', {}, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await reply).toBeInstanceOf(JobsTimeoutError);
    // The late accepted reply arrives while the next reply is in flight: the protocol has no clientToken, so
    // it settles that one — which the service accepted too (docs/commands.md §9).
    const next = execution.reply('SUCCEEDED', {}, { timeoutMs: 10_000 });
    await jest.advanceTimersByTimeAsync(4_000);
    await next;
    expect(statusOf(env, executionId)).toBe('SUCCEEDED');
  });

  test('duplicate deliveries: a request delivered twice yields one execution; a reply sent twice settles once', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    env.simulator.commands.faults.duplicateRequests({ deviceId: 'valve-1' });
    env.simulator.commands.faults.duplicateReplies({ deviceId: 'valve-1' });
    const arn = jsonCommand(env, 'open', {});
    const first = start(env, arn);
    const second = start(env, arn);
    const a = await device.next();
    const b = await device.next();
    expect([a.executionId, b.executionId]).toEqual([first, second]);
    expect(device.pending).toBe(0);
    await a.reply('SUCCEEDED');
    await b.reply('SUCCEEDED');
    expect([statusOf(env, first), statusOf(env, second)]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  test('cancel: close() aborts the signal of unfinished executions, settles next(), and unsubscribes', async () => {
    const { env, client } = await setup();
    const listeners = client.listenerCount('message');
    const device = new Commands(new Thing('valve-1', client));
    await device.ready;
    expect(client.listenerCount('message')).toBe(listeners + 1);
    start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    const waiting = device.next().catch((e: unknown) => e);
    const engine = CommandsClient.for(client);
    // json, cbor and generic requests; json and cbor replies.
    expect(engine.subscriptionCount).toBe(5);
    await device.close();
    expect(execution.signal.aborted).toBe(true);
    expect(execution.signal.reason).toBeInstanceOf(ConnectionClosedError);
    expect(await waiting).toBeInstanceOf(ConnectionClosedError);
    expect(engine.subscriptionCount).toBe(0);
    // The shared engine left with its last user: no listener stays on the connection.
    expect(client.listenerCount('message')).toBe(listeners);
    await expect(execution.reply('SUCCEEDED')).rejects.toBeInstanceOf(ConnectionClosedError);
    // A user's AbortSignal ends a wait, too.
    const again = open(new Thing('valve-1', client));
    const controller = new AbortController();
    const aborted = again.next({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'JobsAbortError' });
  });

  test('with the connection down (no reconnect), close() and reply() still settle', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client));
    await device.ready;
    start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    env.simulator.faults.disconnectClient('valve-1');
    await closed;
    await expect(execution.reply('SUCCEEDED')).rejects.toBeInstanceOf(ConnectionClosedError);
    const late = new Commands(new Thing('valve-1', client));
    await late.close();
    await device.close();
    expect(execution.signal.reason).toBeInstanceOf(ConnectionClosedError);
  });

  test('reconnect: a reply in flight fails with ConnectionClosedError; subscriptions are renewed and the next command arrives', async () => {
    // mqtt.js's own re-subscribe off: only the Commands engine renews the subscriptions (with it on, mqtt.js
    // answers our SUBSCRIBE at once while its own is still in flight).
    const { env, client } = await setup(['valve-1'], { reconnectPeriod: 20, resubscribe: false });
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const arn = jsonCommand(env, 'open', {});
    const executionId = start(env, arn);
    const execution = await device.next();
    env.simulator.commands.faults.dropReplies({ deviceId: 'valve-1' });
    const recorded = new Promise<void>((resolve) => env.simulator.commands.on('event', (event) => event.payload.status === 'SUCCEEDED' && resolve()));
    const inFlight = execution.reply('SUCCEEDED').catch((e: unknown) => e);
    // The response reached the service; only its reply is lost.
    await recorded;
    const reconnected = new Promise<unknown>((resolve) => device.client.events.on('reconnect', resolve));
    env.simulator.faults.disconnectClient('valve-1');
    expect(await inFlight).toBeInstanceOf(ConnectionClosedError);
    expect(await reconnected).toEqual({ sessionPresent: false });

    expect(statusOf(env, executionId)).toBe('SUCCEEDED');
    const second = start(env, arn);
    expect((await device.next()).executionId).toBe(second);
  });

  test('CBOR: a template command with CBOR output arrives on the cbor topic, and the reply goes back in CBOR', async () => {
    const { env, client } = await setup();
    const device = open(new Thing('valve-1', client), { formats: ['cbor'] });
    await device.ready;
    const { commandArn } = env.simulator.commands.createCommand({
      commandId: 'set-level',
      payloadTemplate: '{"level":${aws:iot:commandexecution::parameter:level},"unit":"${aws:iot:commandexecution::parameter:unit}"}',
      preprocessor: { awsJsonSubstitution: { outputFormat: 'CBOR' } },
      mandatoryParameters: [{ name: 'level' }, { name: 'unit', defaultValue: { S: 'percent' } }],
    });
    const executionId = env.simulator.commands.startCommandExecution({ commandArn, targetArn: env.simulator.commands.thingArn('valve-1'), parameters: { level: { I: 42 } } }).executionId;
    const execution = await device.next();
    expect(execution).toMatchObject({ executionId, format: 'cbor', contentType: 'application/cbor' });
    expect(execution.payload.equals(Buffer.from(encodeCbor({ level: 42, unit: 'percent' })))).toBe(true);
    expect(execution.decoded()).toEqual({ level: 42, unit: 'percent' });
    await execution.reply('SUCCEEDED', { result: { echo: { bin: new Uint8Array([9, 8]) } } });
    const got = env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn('valve-1'), includeResult: true });
    expect(got.status).toBe('SUCCEEDED');
    expect([...(got.result?.echo?.BIN ?? [])]).toEqual([9, 8]);
  });

  test('gateway wildcard mode: one set of filters serves every device on the connection; client-id targets work', async () => {
    const { env, client } = await setup(['gw', 'child-1', 'child-2']);
    const engine = new CommandsClient(client, { subscriptions: 'wildcard' });
    const one = open(new Thing('child-1', client), { client: engine, formats: ['json'] });
    const two = open(new Thing('child-2', client), { client: engine, formats: ['json'] });
    await Promise.all([one.ready, two.ready]);
    expect(engine.subscriptionCount).toBe(2);
    const arn = jsonCommand(env, 'open', {});
    const forTwo = start(env, arn, 'child-2');
    const forOne = start(env, arn, 'child-1');
    expect((await one.next()).executionId).toBe(forOne);
    expect((await two.next()).executionId).toBe(forTwo);
    const byClient = open({ clientId: 'gw-client', connection: client }, { formats: ['generic'] });
    await byClient.ready;
    const { commandArn } = env.simulator.commands.createCommand({ commandId: 'text', payload: { content: new TextEncoder().encode('hello'), contentType: 'text/plain' } });
    const executionId = env.simulator.commands.startCommandExecution({ commandArn, targetArn: env.simulator.commands.clientArn('gw-client') }).executionId;
    const execution = await byClient.next();
    expect(execution).toMatchObject({ executionId, deviceType: 'clients', format: 'generic', contentType: undefined });
    expect(execution.payload.toString()).toBe('hello');
    await execution.reply('SUCCEEDED');
    expect(env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.clientArn('gw-client') }).status).toBe('SUCCEEDED');
    await one.close();
    await two.close();
    engine.close();
    expect(engine.subscriptionCount).toBe(0);
  });

  test('bad input is refused with InvalidArgumentError before anything is sent', async () => {
    const { env, client } = await setup();
    expect(() => new Commands(new Thing('valve-1', client), { formats: ['xml' as 'json'] })).toThrow(InvalidArgumentError);
    expect(() => new Commands({ clientId: 'a/b', connection: client })).toThrow(InvalidArgumentError);
    const device = open(new Thing('valve-1', client));
    await device.ready;
    const executionId = start(env, jsonCommand(env, 'open', {}));
    const execution = await device.next();
    const published: string[] = [];
    client.on('packetsend', (packet: { cmd: string }) => published.push(packet.cmd));
    await expect(execution.reply('DONE' as 'SUCCEEDED')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(execution.reply('FAILED', { statusReason: { reasonCode: 'lower-case' } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(execution.reply('SUCCEEDED', { result: { x: { s: 'a', b: true } } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(execution.reply('SUCCEEDED', {}, { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(published.filter((cmd) => cmd === 'publish')).toEqual([]);
    expect(statusOf(env, executionId)).toBe('CREATED');
  });
});

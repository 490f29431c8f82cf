/**
 * Commands under hostile input and on an external broker: malformed
 * responses are rejected (never a crash), malformed replies fail the call
 * they match with MalformedMessageError, garbage topics are ignored, and the
 * simulator serves Commands as an ordinary client of an external broker.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { decode as decodeCbor, encode as encodeCbor } from 'cborg';
import { Commands } from '../../lib/commands/commands.js';
import { MalformedMessageError } from '../../lib/errors.js';
import { Thing } from '../../lib/thing.js';
import { createTcpBroker, type TcpTestBroker } from '../../lib/testing/broker.js';
import { JobsSimulator } from '../../lib/testing/simulator/jobs-simulator.js';
import { createTestEnvironment, type TestEnvironment } from '../../lib/testing/test-environment.js';

let env: TestEnvironment | undefined;
let broker: TcpTestBroker | undefined;
let simulator: JobsSimulator | undefined;
const faces: Commands[] = [];
afterEach(async () => {
  for (const face of faces.splice(0)) await face.close();
  await env?.close();
  await simulator?.close();
  await broker?.close();
  env = broker = simulator = undefined;
});

const ROOT = '$aws/commands/things/valve-1/executions';

describe('the simulator answers malformed responses with a rejection and keeps serving', () => {
  test.each([
    ['json', 'not json at all', 'InvalidJson'],
    ['json', '[1,2]', 'InvalidJson'],
    ['json', '{"status":"DONE"}', 'InvalidRequest'],
    ['json', '{"status":"SUCCEEDED","statusReason":{"reasonCode":"lower"}}', 'InvalidRequest'],
    ['json', '{"status":"SUCCEEDED","result":{"a":{"s":1}}}', 'InvalidRequest'],
    ['cbor', Buffer.from([0xff, 0xfe, 0x00]), 'InvalidRequest'],
    ['cbor', Buffer.from(encodeCbor({ status: 42 })), 'InvalidRequest'],
  ] as const)('%s response %p → %s', async (format, payload, code) => {
    env = await createTestEnvironment();
    env.simulator.createThing({ thingName: 'valve-1' });
    const { commandArn } = env.simulator.commands.createCommand({ commandId: 'c', payload: { content: new Uint8Array([1]) } });
    const { executionId } = env.simulator.commands.startCommandExecution({ commandArn, targetArn: env.simulator.commands.thingArn('valve-1') });
    const raw = await env.connect({ clientId: 'valve-1' });
    await raw.subscribe(`${ROOT}/+/response/+/${format}`, { qos: 1 });
    const reply = new Promise<[string, Buffer]>((resolve) => raw.once('message', (topic: string, body: Buffer) => resolve([topic, body])));
    await raw.publish(`${ROOT}/${executionId}/response/${format}`, payload);
    const [topic, body] = await reply;
    expect(topic).toBe(`${ROOT}/${executionId}/response/rejected/${format}`);
    const read = (bytes: Buffer): unknown => (format === 'json' ? JSON.parse(bytes.toString()) : decodeCbor(bytes));
    expect(read(body)).toMatchObject({ error: code, executionId });
    expect(env.simulator.commands.getCommandExecution({ executionId, targetArn: env.simulator.commands.thingArn('valve-1') }).status).toBe('CREATED');
    // Unknown executions and other devices' executions are ResourceNotFound.
    const second = new Promise<Buffer>((resolve) => raw.once('message', (_topic: string, body2: Buffer) => resolve(body2)));
    const valid = format === 'json' ? '{"status":"SUCCEEDED"}' : Buffer.from(encodeCbor({ status: 'SUCCEEDED' }));
    await raw.publish(`${ROOT}/no-such-execution/response/${format}`, valid);
    expect(read(await second)).toMatchObject({ error: 'ResourceNotFound', executionId: 'no-such-execution' });
  });
});

test('the device face survives garbage: bad topics and requests are ignored, a malformed reply fails the matching call', async () => {
  env = await createTestEnvironment();
  env.simulator.createThing({ thingName: 'valve-1' });
  const device = await env.connect({ clientId: 'valve-1' });
  const face = new Commands(new Thing('valve-1', device));
  faces.push(face);
  await face.ready;
  const errors: unknown[] = [];
  face.client.events.on('error', (error) => errors.push(error));
  const attacker = await env.connect({ clientId: 'attacker' });
  // Requests with broken topics or payloads: not executions, or executions whose decoding fails only when asked.
  await attacker.publish(`${ROOT}/bad.id/request/json`, '{}');
  await attacker.publish(`${ROOT}/e1/request/xml`, '{}');
  await attacker.publish(`${ROOT}/e2/request/cbor`, Buffer.from([0xff]));
  const broken = await face.next({ timeoutMs: 5_000 });
  expect(broken.executionId).toBe('e2');
  expect(() => broken.decoded()).toThrow(/does not decode/);
  // A malformed reply with nobody waiting is reported, not thrown.
  await attacker.publish(`${ROOT}/e2/response/accepted/json`, 'garbage');
  // A malformed reply that matches a call in flight fails that call.
  const { commandArn } = env.simulator.commands.createCommand({ commandId: 'c', payload: { content: new TextEncoder().encode('{}'), contentType: 'application/json' } });
  env.simulator.commands.startCommandExecution({ commandArn, targetArn: env.simulator.commands.thingArn('valve-1') });
  const execution = await face.next({ timeoutMs: 5_000 });
  env.simulator.commands.faults.dropReplies({ deviceId: 'valve-1' });
  const reply = execution.reply('IN_PROGRESS', {}, { timeoutMs: 5_000 }).catch((error: unknown) => error);
  // Sent once the response reached the service (its own reply is dropped).
  await new Promise<void>((resolve) => env!.simulator.commands.on('event', ({ payload }) => payload.status === 'IN_PROGRESS' && resolve()));
  await attacker.publish(`${ROOT}/${execution.executionId}/response/rejected/json`, '{"errorMessage":"no error code"}');
  expect(await reply).toBeInstanceOf(MalformedMessageError);
  expect(errors.some((error) => error instanceof MalformedMessageError)).toBe(true);
});

test('on an external broker the simulator serves Commands as an ordinary client (replies go through the broker)', async () => {
  broker = await createTcpBroker();
  simulator = new JobsSimulator({ autoCreateThings: true });
  await simulator.attachToBroker(broker.url);
  const device = await broker.connect({ clientId: 'valve-1' });
  const face = new Commands(new Thing('valve-1', device), { formats: ['json'] });
  faces.push(face);
  await face.ready;
  const { commandArn } = simulator.commands.createCommand({ commandId: 'c', payload: { content: new TextEncoder().encode('{"go":1}'), contentType: 'application/json' } });
  const { executionId } = simulator.commands.startCommandExecution({ commandArn, targetArn: simulator.commands.thingArn('valve-1') });
  const execution = await face.next({ timeoutMs: 5_000 });
  expect(execution.decoded()).toEqual({ go: 1 });
  await execution.reply('SUCCEEDED', {}, { timeoutMs: 5_000 });
  expect(simulator.commands.getCommandExecution({ executionId, targetArn: simulator.commands.thingArn('valve-1') }).status).toBe('SUCCEEDED');
});

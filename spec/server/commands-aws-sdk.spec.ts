/**
 * AWS IoT Commands end to end through the simulator server: the real
 * @aws-sdk/client-iot (command control plane) and
 * @aws-sdk/client-iot-jobs-data-plane (StartCommandExecution) drive it, and a
 * device on the library's Commands face answers over MQTT.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import asyncMqtt, { type AsyncMqttClient } from 'async-mqtt';
import {
  ConflictException as ControlConflictException,
  CreateCommandCommand,
  CreateThingCommand,
  DeleteCommandCommand,
  DeleteCommandExecutionCommand,
  GetCommandCommand,
  GetCommandExecutionCommand,
  IoTClient,
  ListCommandExecutionsCommand,
  ListCommandsCommand,
  ResourceNotFoundException as ControlResourceNotFoundException,
  UpdateCommandCommand,
  ValidationException as ControlValidationException,
} from '@aws-sdk/client-iot';
import { ConflictException, IoTJobsDataPlaneClient, ResourceNotFoundException, StartCommandExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { Commands } from '../../lib/commands/commands.js';
import { Thing } from '../../lib/thing.js';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

let server: SimulatorServer | undefined;
let iot: IoTClient | undefined;
let data: IoTJobsDataPlaneClient | undefined;
let device: AsyncMqttClient | undefined;
let commands: Commands | undefined;
afterEach(async () => {
  await commands?.close();
  await device?.end(true);
  iot?.destroy();
  data?.destroy();
  await server?.close();
  server = iot = data = device = commands = undefined;
});

async function start(): Promise<{ iot: IoTClient; data: IoTJobsDataPlaneClient; server: SimulatorServer }> {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  const config = { endpoint: server.httpUrl, region: 'us-east-1', credentials, maxAttempts: 1 };
  iot = new IoTClient(config);
  data = new IoTJobsDataPlaneClient(config);
  return { iot, data, server };
}

async function connectDevice(url: string, thingName: string): Promise<Commands> {
  device = await asyncMqtt.connectAsync(url, { clientId: thingName, reconnectPeriod: 0 }, false);
  commands = new Commands(new Thing(thingName, device));
  await commands.ready;
  return commands;
}

describe('AWS IoT Commands through the server with the AWS SDK', () => {
  test('StartCommandExecution reaches the device; its status and result come back through GetCommandExecution', async () => {
    const { iot, data, server } = await start();
    const thing = await iot.send(new CreateThingCommand({ thingName: 'valve-1' }));
    const device = await connectDevice(server.mqttUrl, 'valve-1');

    const created = await iot.send(
      new CreateCommandCommand({ commandId: 'open-valve', displayName: 'Open', payload: { content: new TextEncoder().encode('{"valve":"A"}'), contentType: 'application/json' } }),
    );
    expect(created).toMatchObject({ commandId: 'open-valve', commandArn: 'arn:aws:iot:us-east-1:123456789012:command/open-valve' });
    const got = await iot.send(new GetCommandCommand({ commandId: 'open-valve' }));
    expect(got).toMatchObject({ commandId: 'open-valve', namespace: 'AWS-IoT', displayName: 'Open', deprecated: false, pendingDeletion: false, payload: { contentType: 'application/json' } });
    expect(new TextDecoder().decode(got.payload!.content)).toBe('{"valve":"A"}');
    expect(got.createdAt).toBeInstanceOf(Date);

    const { executionId } = await data.send(new StartCommandExecutionCommand({ targetArn: thing.thingArn!, commandArn: created.commandArn!, executionTimeoutSeconds: 60 }));
    expect(typeof executionId).toBe('string');

    const execution = await device.next({ timeoutMs: 10_000 });
    expect(execution.executionId).toBe(executionId);
    expect(execution.format).toBe('json');
    expect(execution.contentType).toBe('application/json');
    expect(execution.decoded()).toEqual({ valve: 'A' });
    const before = await iot.send(new GetCommandExecutionCommand({ executionId, targetArn: thing.thingArn! }));
    expect(before.status).toBe('CREATED');

    await execution.reply('IN_PROGRESS');
    await execution.reply('SUCCEEDED', { result: { opened: { s: 'A' }, ok: { b: true }, raw: { bin: new Uint8Array([1, 2, 3]) } }, statusReason: { reasonCode: 'OPENED', reasonDescription: 'valve A open' } });

    const after = await iot.send(new GetCommandExecutionCommand({ executionId, targetArn: thing.thingArn!, includeResult: true }));
    expect(after).toMatchObject({
      executionId,
      commandArn: created.commandArn,
      targetArn: thing.thingArn,
      status: 'SUCCEEDED',
      statusReason: { reasonCode: 'OPENED', reasonDescription: 'valve A open' },
      result: { opened: { S: 'A' }, ok: { B: true } },
      executionTimeoutSeconds: 60,
    });
    expect([...after.result!.raw!.BIN!]).toEqual([1, 2, 3]);
    expect(after.completedAt).toBeInstanceOf(Date);
    // Without includeResult the result stays out, as on AWS.
    expect((await iot.send(new GetCommandExecutionCommand({ executionId, targetArn: thing.thingArn! }))).result).toBeUndefined();

    const listed = await iot.send(new ListCommandExecutionsCommand({ targetArn: thing.thingArn! }));
    expect(listed.commandExecutions).toEqual([expect.objectContaining({ executionId, status: 'SUCCEEDED', commandArn: created.commandArn })]);
    await iot.send(new DeleteCommandExecutionCommand({ executionId, targetArn: thing.thingArn! }));
    await expect(iot.send(new GetCommandExecutionCommand({ executionId, targetArn: thing.thingArn! }))).rejects.toBeInstanceOf(ControlResourceNotFoundException);
  });

  test('clientToken: the same token and parameters give the same execution; other parameters give ConflictException', async () => {
    const { iot, data } = await start();
    const thing = await iot.send(new CreateThingCommand({ thingName: 'valve-2' }));
    const { commandArn } = await iot.send(new CreateCommandCommand({ commandId: 'ping', payload: { content: new Uint8Array([0x70]), contentType: 'text/plain' } }));
    const first = await data.send(new StartCommandExecutionCommand({ targetArn: thing.thingArn!, commandArn: commandArn!, clientToken: 'token-1', executionTimeoutSeconds: 30 }));
    const again = await data.send(new StartCommandExecutionCommand({ targetArn: thing.thingArn!, commandArn: commandArn!, clientToken: 'token-1', executionTimeoutSeconds: 30 }));
    expect(again.executionId).toBe(first.executionId);
    const conflict = data.send(new StartCommandExecutionCommand({ targetArn: thing.thingArn!, commandArn: commandArn!, clientToken: 'token-1', executionTimeoutSeconds: 31 }));
    await expect(conflict).rejects.toBeInstanceOf(ConflictException);
    await expect(data.send(new StartCommandExecutionCommand({ targetArn: 'arn:aws:iot:us-east-1:123456789012:thing/nobody', commandArn: commandArn! }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    // An MQTT client target needs no registered thing.
    const client = await data.send(new StartCommandExecutionCommand({ targetArn: 'arn:aws:iot:us-east-1:123456789012:client/sensor-client', commandArn: commandArn! }));
    expect(typeof client.executionId).toBe('string');
    const pending = await iot.send(new ListCommandExecutionsCommand({ commandArn: commandArn!, sortOrder: 'ASCENDING' }));
    expect(pending.commandExecutions?.map((e) => e.status)).toEqual(['CREATED', 'CREATED']);
    // Only terminal executions can be deleted.
    await expect(iot.send(new DeleteCommandExecutionCommand({ executionId: first.executionId!, targetArn: thing.thingArn! }))).rejects.toBeInstanceOf(ControlConflictException);
  });

  test('the command control plane: list, update, deprecate, delete, and its errors', async () => {
    const { iot, data } = await start();
    await iot.send(new CreateCommandCommand({ commandId: 'a', payload: { content: new Uint8Array([1]) } }));
    await iot.send(new CreateCommandCommand({ commandId: 'b', payloadTemplate: '{"level":${aws:iot:commandexecution::parameter:level}}', mandatoryParameters: [{ name: 'level', defaultValue: { I: 3 } }] }));
    await expect(iot.send(new CreateCommandCommand({ commandId: 'a', payload: { content: new Uint8Array([1]) } }))).rejects.toBeInstanceOf(ControlConflictException);
    await expect(iot.send(new CreateCommandCommand({ commandId: 'c' }))).rejects.toBeInstanceOf(ControlValidationException);
    const listed = await iot.send(new ListCommandsCommand({ sortOrder: 'ASCENDING', maxResults: 1 }));
    expect(listed.commands?.map((c) => c.commandId)).toEqual(['a']);
    const rest = await iot.send(new ListCommandsCommand({ sortOrder: 'ASCENDING', nextToken: listed.nextToken! }));
    expect(rest.commands?.map((c) => c.commandId)).toEqual(['b']);
    const updated = await iot.send(new UpdateCommandCommand({ commandId: 'a', description: 'first', deprecated: true }));
    expect(updated).toMatchObject({ commandId: 'a', description: 'first', deprecated: true });
    expect(updated.lastUpdatedAt).toBeInstanceOf(Date);
    const deprecated = data.send(new StartCommandExecutionCommand({ targetArn: 'arn:aws:iot:us-east-1:123456789012:client/x', commandArn: 'arn:aws:iot:us-east-1:123456789012:command/a' }));
    await expect(deprecated).rejects.toThrow(/deprecated/);
    const deleted = await iot.send(new DeleteCommandCommand({ commandId: 'a' }));
    expect(deleted.statusCode).toBe(204);
    await expect(iot.send(new GetCommandCommand({ commandId: 'a' }))).rejects.toBeInstanceOf(ControlResourceNotFoundException);
  });
});

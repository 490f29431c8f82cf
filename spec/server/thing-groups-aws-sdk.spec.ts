/**
 * Thing groups and CONTINUOUS jobs through the standalone server, driven by
 * @aws-sdk/client-iot, with the device side on @aws-sdk/client-iot-jobs-data-plane.
 */
import { afterEach, expect, test } from '@jest/globals';
import {
  AddThingToThingGroupCommand,
  AssociateTargetsWithJobCommand,
  CreateJobCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteThingGroupCommand,
  DescribeJobExecutionCommand,
  DescribeThingGroupCommand,
  InvalidRequestException,
  IoTClient,
  ListJobsCommand,
  ListThingsInThingGroupCommand,
  RemoveThingFromThingGroupCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import { GetPendingJobExecutionsCommand, IoTJobsDataPlaneClient } from '@aws-sdk/client-iot-jobs-data-plane';
import { startSimulatorServer, type SimulatorServer } from '../../lib/server/server.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
let server: SimulatorServer | undefined;
const clients: Array<{ destroy(): void }> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.close();
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test('groups, nesting, a CONTINUOUS job that follows membership, ListJobs by group, AssociateTargetsWithJob', async () => {
  server = await startSimulatorServer({ mqttPort: 0, httpPort: 0 });
  const config = { endpoint: server.httpUrl, region: 'us-east-1', credentials, maxAttempts: 1 };
  const iot = new IoTClient(config);
  const jobs = new IoTJobsDataPlaneClient(config);
  clients.push(iot, jobs);
  const queued = async (thingName: string): Promise<string[]> =>
    ((await jobs.send(new GetPendingJobExecutionsCommand({ thingName }))).queuedJobs ?? []).map((entry) => entry.jobId ?? '');

  for (const thingName of ['t1', 't2', 't3']) await iot.send(new CreateThingCommand({ thingName }));
  const fleet = await iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet', thingGroupProperties: { thingGroupDescription: 'every device' } }));
  expect(fleet).toMatchObject({ thingGroupName: 'fleet', thingGroupArn: 'arn:aws:iot:us-east-1:123456789012:thinggroup/fleet' });
  await iot.send(new CreateThingGroupCommand({ thingGroupName: 'canary', parentGroupName: 'fleet' }));
  const canary = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'canary' }));
  expect(canary.thingGroupMetadata).toMatchObject({ parentGroupName: 'fleet', rootToParentThingGroups: [{ groupName: 'fleet' }] });
  expect(canary.thingGroupMetadata?.creationDate).toBeInstanceOf(Date);

  await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'canary', thingName: 't1' }));
  expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'fleet', recursive: true }))).things).toEqual(['t1']);

  await iot.send(new CreateJobCommand({ jobId: 'cont', targets: [fleet.thingGroupArn!], document: '{"op":"x"}', targetSelection: 'CONTINUOUS' }));
  expect(await queued('t1')).toEqual(['cont']);
  await iot.send(new AddThingToThingGroupCommand({ thingGroupArn: fleet.thingGroupArn!, thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/t2' }));
  expect(await queued('t2')).toEqual(['cont']);
  await iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: 'fleet', thingName: 't2' }));
  expect((await iot.send(new DescribeJobExecutionCommand({ jobId: 'cont', thingName: 't2' }))).execution?.status).toBe('REMOVED');

  expect((await iot.send(new ListJobsCommand({ thingGroupName: 'fleet' }))).jobs?.map((job) => job.jobId)).toEqual(['cont']);
  expect((await iot.send(new ListJobsCommand({ thingGroupName: 'canary' }))).jobs).toEqual([]);

  await iot.send(new AssociateTargetsWithJobCommand({ jobId: 'cont', targets: ['arn:aws:iot:us-east-1:123456789012:thing/t3'] }));
  expect(await queued('t3')).toEqual(['cont']);

  await iot.send(new CreateJobCommand({ jobId: 'snap', targets: ['arn:aws:iot:us-east-1:123456789012:thing/t3'], document: '{}' }));
  expect(await rejection(iot.send(new AssociateTargetsWithJobCommand({ jobId: 'snap', targets: [fleet.thingGroupArn!] })))).toBeInstanceOf(InvalidRequestException);
  expect(
    await rejection(iot.send(new CreateJobCommand({ jobId: 'g', targets: ['arn:aws:iot:us-east-1:123456789012:thinggroup/ghost'], document: '{}' }))),
  ).toBeInstanceOf(ResourceNotFoundException);
  expect(await rejection(iot.send(new DeleteThingGroupCommand({ thingGroupName: 'fleet' })))).toBeInstanceOf(InvalidRequestException);
  await iot.send(new DeleteThingGroupCommand({ thingGroupName: 'canary' }));
  // t1 left with canary: its QUEUED execution of the CONTINUOUS job is REMOVED.
  expect((await iot.send(new DescribeJobExecutionCommand({ jobId: 'cont', thingName: 't1' }))).execution?.status).toBe('REMOVED');
});

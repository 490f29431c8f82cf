/**
 * Static thing groups as job targets (docs/protocol.md §7.2, §8, §11): SNAPSHOT jobs
 * target the members at creation; CONTINUOUS jobs queue executions for
 * things added later and mark QUEUED executions REMOVED when a thing leaves;
 * nesting; ListJobs filters; AssociateTargetsWithJob.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { ManualClock, refusal } from './helpers.js';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
let sim: JobsSimulator;
let nexts: NotifyNextEvent[];

beforeEach(() => {
  sim = new JobsSimulator({ clock: new ManualClock() });
  for (const thingName of ['t1', 't2', 't3', 't4']) sim.createThing({ thingName });
  nexts = [];
  sim.on('notify-next', (event) => nexts.push(event));
});
afterEach(async () => {
  await sim.close();
});


const queued = (thingName: string): string[] =>
  sim.getPendingJobExecutions(thingName).ok ? (sim.getPendingJobExecutions(thingName) as { reply: { queuedJobs: Array<{ jobId: string }> } }).reply.queuedJobs.map((entry) => entry.jobId) : [];

describe('thing groups', () => {
  test('create, describe with hierarchy, add and list things (recursive), remove, delete', () => {
    const fleet = sim.createThingGroup({ thingGroupName: 'fleet', thingGroupProperties: { thingGroupDescription: 'all', attributePayload: { attributes: { site: 'a' } } } });
    expect(fleet).toEqual({ thingGroupName: 'fleet', thingGroupArn: `${ARN}:thinggroup/fleet`, thingGroupId: expect.any(String) });
    expect(sim.createThingGroup({ thingGroupName: 'fleet', thingGroupProperties: { thingGroupDescription: 'all', attributePayload: { attributes: { site: 'a' } } } })).toEqual(fleet);
    expect(refusal(() => sim.createThingGroup({ thingGroupName: 'fleet' })).code).toBe('ResourceAlreadyExistsException');
    sim.createThingGroup({ thingGroupName: 'canary', parentGroupName: 'fleet' });
    expect(sim.describeThingGroup({ thingGroupName: 'canary' })).toMatchObject({
      thingGroupName: 'canary',
      version: 1,
      thingGroupMetadata: { parentGroupName: 'fleet', rootToParentThingGroups: [{ groupName: 'fleet', groupArn: `${ARN}:thinggroup/fleet` }] },
    });
    sim.addThingToThingGroup({ thingGroupName: 'fleet', thingName: 't1' });
    sim.addThingToThingGroup({ thingGroupArn: `${ARN}:thinggroup/canary`, thingArn: `${ARN}:thing/t2` });
    expect(sim.listThingsInThingGroup({ thingGroupName: 'fleet' }).things).toEqual(['t1']);
    expect(sim.listThingsInThingGroup({ thingGroupName: 'fleet', recursive: true }).things).toEqual(['t1', 't2']);
    expect(sim.describeThingGroup({ thingGroupName: 'fleet' }).version).toBe(2);
    expect(refusal(() => sim.deleteThingGroup({ thingGroupName: 'fleet' })).code).toBe('InvalidRequestException');
    sim.removeThingFromThingGroup({ thingGroupName: 'canary', thingName: 't2' });
    expect(sim.listThingsInThingGroup({ thingGroupName: 'canary' }).things).toEqual([]);
    sim.deleteThingGroup({ thingGroupName: 'canary' });
    sim.deleteThingGroup({ thingGroupName: 'canary' });
    expect(refusal(() => sim.describeThingGroup({ thingGroupName: 'canary' })).code).toBe('ResourceNotFoundException');
    expect(refusal(() => sim.addThingToThingGroup({ thingGroupName: 'fleet', thingName: 'ghost' })).code).toBe('ResourceNotFoundException');
    expect(refusal(() => sim.addThingToThingGroup({ thingGroupName: 'nope', thingName: 't1' })).code).toBe('ResourceNotFoundException');
  });

  test('nesting is limited to 7 levels and a thing to 10 groups', () => {
    let parent: string | undefined;
    for (let level = 1; level <= 7; level += 1) {
      sim.createThingGroup({ thingGroupName: `l${level}`, ...(parent === undefined ? {} : { parentGroupName: parent }) });
      parent = `l${level}`;
    }
    expect(refusal(() => sim.createThingGroup({ thingGroupName: 'l8', parentGroupName: 'l7' })).message).toContain('7 levels');
    for (let index = 0; index < 10; index += 1) {
      sim.createThingGroup({ thingGroupName: `g${index}` });
      sim.addThingToThingGroup({ thingGroupName: `g${index}`, thingName: 't1' });
    }
    sim.createThingGroup({ thingGroupName: 'g10' });
    expect(refusal(() => sim.addThingToThingGroup({ thingGroupName: 'g10', thingName: 't1' })).code).toBe('LimitExceededException');
  });
});

describe('jobs targeting groups', () => {
  beforeEach(() => {
    sim.createThingGroup({ thingGroupName: 'fleet' });
    sim.createThingGroup({ thingGroupName: 'canary', parentGroupName: 'fleet' });
    sim.addThingToThingGroup({ thingGroupName: 'fleet', thingName: 't1' });
    sim.addThingToThingGroup({ thingGroupName: 'canary', thingName: 't2' });
  });

  test('SNAPSHOT: the members at creation, child groups included; later members get nothing', () => {
    sim.createJob({ jobId: 'snap', targets: [`${ARN}:thinggroup/fleet`], document: '{}' });
    expect(sim.describeJob({ jobId: 'snap' }).job.targets).toEqual([`${ARN}:thinggroup/fleet`]);
    expect([queued('t1'), queued('t2'), queued('t3')]).toEqual([['snap'], ['snap'], []]);
    sim.addThingToThingGroup({ thingGroupName: 'fleet', thingName: 't3' });
    expect(queued('t3')).toEqual([]);
    sim.removeThingFromThingGroup({ thingGroupName: 'fleet', thingName: 't1' });
    expect(queued('t1')).toEqual(['snap']);
    expect(refusal(() => sim.createJob({ jobId: 'x', targets: [`${ARN}:thinggroup/ghost`], document: '{}' })).code).toBe('ResourceNotFoundException');
  });

  test('CONTINUOUS: a thing added later is queued and notified; a thing that leaves has its QUEUED execution REMOVED; it never completes', () => {
    sim.createJob({ jobId: 'cont', targets: [`${ARN}:thinggroup/fleet`], document: '{}', targetSelection: 'CONTINUOUS' });
    nexts.length = 0;
    sim.addThingToThingGroup({ thingGroupName: 'canary', thingName: 't3' });
    expect(queued('t3')).toEqual(['cont']);
    expect(nexts.map((event) => [event.thingName, event.payload.execution?.jobId])).toEqual([['t3', 'cont']]);

    sim.removeThingFromThingGroup({ thingGroupName: 'canary', thingName: 't3' });
    expect(sim.describeJobExecution({ jobId: 'cont', thingName: 't3' }).execution.status).toBe('REMOVED');
    expect(queued('t3')).toEqual([]);
    expect(nexts.at(-1)).toEqual({ thingName: 't3', payload: { timestamp: expect.any(Number) } });

    // Back in the group: a new execution, numbered 2.
    sim.addThingToThingGroup({ thingGroupName: 'fleet', thingName: 't3' });
    expect(sim.describeJobExecution({ jobId: 'cont', thingName: 't3' }).execution).toMatchObject({ status: 'QUEUED', executionNumber: 2 });

    // An IN_PROGRESS execution stays when its thing leaves.
    sim.updateJobExecution('t1', 'cont', { status: 'IN_PROGRESS' });
    sim.removeThingFromThingGroup({ thingGroupName: 'fleet', thingName: 't1' });
    expect(sim.describeJobExecution({ jobId: 'cont', thingName: 't1' }).execution.status).toBe('IN_PROGRESS');

    for (const thingName of ['t1', 't2', 't3']) sim.updateJobExecution(thingName, 'cont', { status: 'SUCCEEDED' });
    expect(sim.describeJob({ jobId: 'cont' }).job.status).toBe('IN_PROGRESS');
    expect(sim.describeJob({ jobId: 'cont' }).job.jobProcessDetails).toMatchObject({ numberOfSucceededThings: 3 });
  });

  test('ListJobs filters by thingGroupName and thingGroupId (the group itself, as targeted)', () => {
    sim.createJob({ jobId: 'a', targets: [`${ARN}:thinggroup/fleet`], document: '{}' });
    sim.createJob({ jobId: 'b', targets: [`${ARN}:thinggroup/canary`], document: '{}' });
    sim.createJob({ jobId: 'c', targets: ['t4'], document: '{}' });
    expect(sim.listJobs({ thingGroupName: 'fleet' }).jobs.map((job) => job.jobId)).toEqual(['a']);
    const { thingGroupId } = sim.describeThingGroup({ thingGroupName: 'canary' });
    expect(sim.listJobs({ thingGroupId }).jobs.map((job) => job.jobId)).toEqual(['b']);
    expect(sim.listJobs({ thingGroupName: 'nobody' }).jobs).toEqual([]);
  });

  test('AssociateTargetsWithJob adds things and groups to a CONTINUOUS job only', () => {
    sim.createJob({ jobId: 'cont', targets: ['t4'], document: '{}', targetSelection: 'CONTINUOUS' });
    const reply = sim.associateTargetsWithJob({ jobId: 'cont', targets: [`${ARN}:thinggroup/canary`, `${ARN}:thing/t3`], comment: 'widen' });
    expect(reply).toEqual({ jobArn: `${ARN}:job/cont`, jobId: 'cont' });
    expect([queued('t1'), queued('t2'), queued('t3'), queued('t4')]).toEqual([[], ['cont'], ['cont'], ['cont']]);
    expect(sim.describeJob({ jobId: 'cont' }).job).toMatchObject({ comment: 'widen', targets: [`${ARN}:thing/t4`, `${ARN}:thinggroup/canary`, `${ARN}:thing/t3`] });

    sim.createJob({ jobId: 'snap', targets: ['t4'], document: '{}' });
    expect(refusal(() => sim.associateTargetsWithJob({ jobId: 'snap', targets: ['t1'] })).message).toContain('CONTINUOUS');
  });

  test('deleting a thing takes it out of its groups; its execution of a CONTINUOUS job is REMOVED', () => {
    sim.createJob({ jobId: 'cont', targets: [`${ARN}:thinggroup/fleet`], document: '{}', targetSelection: 'CONTINUOUS' });
    sim.deleteThing({ thingName: 't2' });
    expect(sim.listJobExecutionsForJob({ jobId: 'cont' }).executionSummaries.map((entry) => entry.jobExecutionSummary.status)).toEqual(['QUEUED', 'REMOVED']);
    expect(sim.listThingsInThingGroup({ thingGroupName: 'fleet', recursive: true }).things).toEqual(['t1']);
  });
});

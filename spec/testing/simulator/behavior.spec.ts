/** The docs/protocol.md §14 switches, each flipped from its default. */
import { afterEach, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { DEFAULT_BEHAVIOR, type SimulatorBehavior } from '../../../lib/testing/simulator/behavior.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { ManualClock, queueJob } from './helpers.js';

let sim: JobsSimulator;
let clock: ManualClock;

function make(behavior: Partial<SimulatorBehavior>): JobsSimulator {
  clock = new ManualClock();
  sim = new JobsSimulator({ clock, behavior, autoCreateThings: true });
  return sim;
}

afterEach(async () => {
  await sim.close();
});

test('the defaults are those of docs/protocol.md §14', () => {
  expect(make({}).behavior).toEqual(DEFAULT_BEHAVIOR);
  expect(DEFAULT_BEHAVIOR).toMatchObject({
    includeThingNameInExecution: false,
    statusDetailsUpdate: 'replace',
    maxStatusDetailsPairs: undefined,
    allowQueuedToTerminal: true,
    describeTerminal: 'return',
    httpVersionMismatch: 'InvalidRequestException',
    serviceTransitionsBumpVersion: false,
    clientTokenMaxLength: 64,
  });
});

test('includeThingNameInExecution puts thingName in MQTT executions and notify-next', () => {
  make({ includeThingNameInExecution: true });
  const events: NotifyNextEvent[] = [];
  sim.on('notify-next', (event) => events.push(event));
  queueJob(sim, 'job1', ['t1']);
  expect(events[0]!.payload.execution).toMatchObject({ jobId: 'job1', thingName: 't1' });
  expect(sim.startNextPendingJobExecution('t1', {})).toMatchObject({ ok: true, reply: { execution: { thingName: 't1' } } });
});

test('statusDetailsUpdate merge keeps earlier keys', () => {
  make({ statusDetailsUpdate: 'merge' });
  queueJob(sim, 'job1', ['t1']);
  sim.updateJobExecution('t1', 'job1', { status: 'IN_PROGRESS', statusDetails: { a: '1' } });
  expect(sim.updateJobExecution('t1', 'job1', { status: 'IN_PROGRESS', statusDetails: { b: '2' }, includeJobExecutionState: true })).toEqual({
    ok: true,
    reply: { executionState: { status: 'IN_PROGRESS', statusDetails: { a: '1', b: '2' }, versionNumber: 3 } },
  });
});

test('maxStatusDetailsPairs limits the pairs a device may send', () => {
  make({ maxStatusDetailsPairs: 10 });
  queueJob(sim, 'job1', ['t1']);
  const details = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  expect(sim.updateJobExecution('t1', 'job1', { status: 'IN_PROGRESS', statusDetails: details(11) })).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
  expect(sim.updateJobExecution('t1', 'job1', { status: 'IN_PROGRESS', statusDetails: details(10) }).ok).toBe(true);
});

test('allowQueuedToTerminal false: QUEUED → SUCCEEDED is InvalidStateTransition with executionState; QUEUED → REJECTED stays allowed', () => {
  make({ allowQueuedToTerminal: false });
  queueJob(sim, 'job1', ['t1']);
  queueJob(sim, 'job2', ['t1']);
  expect(sim.updateJobExecution('t1', 'job1', { status: 'SUCCEEDED' })).toEqual({
    ok: false,
    error: { code: 'InvalidStateTransition', message: expect.any(String), executionState: { status: 'QUEUED', versionNumber: 1 } },
  });
  expect(sim.updateJobExecution('t1', 'job2', { status: 'REJECTED' }).ok).toBe(true);
});

test('describeTerminal TerminalStateReached', () => {
  make({ describeTerminal: 'TerminalStateReached' });
  queueJob(sim, 'job1', ['t1']);
  sim.updateJobExecution('t1', 'job1', { status: 'SUCCEEDED' });
  expect(sim.describeJobExecutionForDevice('t1', 'job1', {})).toMatchObject({ ok: false, error: { code: 'TerminalStateReached' } });
});

test('serviceTransitionsBumpVersion: a canceled execution has a new version', () => {
  make({ serviceTransitionsBumpVersion: true });
  queueJob(sim, 'job1', ['t1']);
  sim.cancelJob({ jobId: 'job1' });
  expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.versionNumber).toBe(2);
});

test('clientTokenMaxLength undefined accepts any length', () => {
  make({ clientTokenMaxLength: undefined });
  expect(sim.getPendingJobExecutions('t1', { clientToken: 'x'.repeat(500) }).ok).toBe(true);
});

test('startNextStepTimerOnInProgress: start-next on an IN_PROGRESS head sets its step timer', () => {
  make({ startNextStepTimerOnInProgress: true });
  queueJob(sim, 'job1', ['t1']);
  sim.startNextPendingJobExecution('t1', {});
  expect(sim.startNextPendingJobExecution('t1', { stepTimeoutInMinutes: 2 })).toMatchObject({ ok: true, reply: { execution: { approximateSecondsBeforeTimedOut: 120 } } });
  clock.advance(120_000);
  expect(sim.describeJobExecution({ jobId: 'job1', thingName: 't1' }).execution.status).toBe('TIMED_OUT');
});

test('by default start-next on an IN_PROGRESS head leaves its timers alone', () => {
  make({});
  queueJob(sim, 'job1', ['t1']);
  sim.startNextPendingJobExecution('t1', {});
  const again = sim.startNextPendingJobExecution('t1', { stepTimeoutInMinutes: 2 });
  expect(again.ok && again.reply.execution).not.toHaveProperty('approximateSecondsBeforeTimedOut');
});

test('maxPendingListed changes the cap of GetPending and notify', () => {
  make({ maxPendingListed: 2 });
  for (const jobId of ['a', 'b', 'c']) queueJob(sim, jobId, ['t1']);
  expect(sim.getPendingJobExecutions('t1', {})).toMatchObject({ ok: true, reply: { queuedJobs: [{ jobId: 'a' }, { jobId: 'b' }] } });
});

test('device operations check thing names and job ids given directly (HTTP data plane)', () => {
  make({});
  expect(sim.getPendingJobExecutions('bad name', {})).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
  expect(sim.updateJobExecution('t1', '$next', { status: 'SUCCEEDED' })).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
  expect(sim.describeJobExecutionForDevice('t1', 'a.b', {})).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
});

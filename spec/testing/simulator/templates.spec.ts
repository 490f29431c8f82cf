/** Custom job templates (docs/protocol.md §11) and CreateJob's jobTemplateArn. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import { ManualClock, refusal } from './helpers.js';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
let sim: JobsSimulator;
beforeEach(() => {
  sim = new JobsSimulator({ clock: new ManualClock() });
  sim.createThing({ thingName: 't1' });
});
afterEach(async () => {
  await sim.close();
});


describe('job templates', () => {
  test('create, describe, list, delete; a job from the template takes its document and options unless it gives its own', () => {
    const created = sim.createJobTemplate({
      jobTemplateId: 'reboot',
      description: 'reboot the device',
      document: '{"op":"reboot"}',
      timeoutConfig: { inProgressTimeoutInMinutes: 15 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] },
    });
    expect(created).toEqual({ jobTemplateArn: `${ARN}:jobtemplate/reboot`, jobTemplateId: 'reboot' });
    expect(sim.describeJobTemplate({ jobTemplateId: 'reboot' })).toMatchObject({ description: 'reboot the device', document: '{"op":"reboot"}', timeoutConfig: { inProgressTimeoutInMinutes: 15 } });
    expect(sim.listJobTemplates().jobTemplates.map((entry) => entry.jobTemplateId)).toEqual(['reboot']);

    sim.createJob({ jobId: 'j1', targets: ['t1'], jobTemplateArn: created.jobTemplateArn, timeoutConfig: { inProgressTimeoutInMinutes: 5 } });
    expect(sim.getJobDocument({ jobId: 'j1' }).document).toBe('{"op":"reboot"}');
    expect(sim.describeJob({ jobId: 'j1' }).job).toMatchObject({
      jobTemplateArn: created.jobTemplateArn,
      timeoutConfig: { inProgressTimeoutInMinutes: 5 },
      jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] },
    });
    sim.createJob({ jobId: 'j2', targets: ['t1'], jobTemplateArn: created.jobTemplateArn, document: '{"op":"other"}' });
    expect(sim.getJobDocument({ jobId: 'j2' }).document).toBe('{"op":"other"}');

    sim.createJobTemplate({ jobTemplateId: 'copy', description: 'from a job', jobArn: `${ARN}:job/j1` });
    expect(sim.describeJobTemplate({ jobTemplateId: 'copy' })).toMatchObject({ document: '{"op":"reboot"}', timeoutConfig: { inProgressTimeoutInMinutes: 5 } });

    sim.deleteJobTemplate({ jobTemplateId: 'reboot' });
    expect(refusal(() => sim.describeJobTemplate({ jobTemplateId: 'reboot' })).code).toBe('ResourceNotFoundException');
    expect(refusal(() => sim.createJob({ jobId: 'j3', targets: ['t1'], jobTemplateArn: created.jobTemplateArn })).code).toBe('ResourceNotFoundException');
    expect(sim.getJobDocument({ jobId: 'j1' }).document).toBe('{"op":"reboot"}');
  });

  test("a template's documentSource in the placeholder form AWS documents for templates is read from the object store", () => {
    sim.putObject('jobs', 'reboot.json', '{"op":"reboot"}');
    sim.createJobTemplate({ jobTemplateId: 's3', description: 'd', documentSource: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/jobs/reboot.json}' });
    sim.createJob({ jobId: 'j', targets: ['t1'], jobTemplateArn: `${ARN}:jobtemplate/s3` });
    expect(sim.getJobDocument({ jobId: 'j' }).document).toBe('{"op":"reboot"}');
  });

  test('refusals: no document, an existing id, unmodeled members, AWS managed templates and documentParameters', () => {
    expect(refusal(() => sim.createJobTemplate({ jobTemplateId: 't', description: 'd' })).message).toContain('document');
    expect(refusal(() => sim.createJobTemplate({ jobTemplateId: 't', description: 'd', document: 'nope' })).code).toBe('InvalidRequestException');
    sim.createJobTemplate({ jobTemplateId: 't', description: 'd', document: '{}' });
    expect(refusal(() => sim.createJobTemplate({ jobTemplateId: 't', description: 'd', document: '{}' })).code).toBe('ResourceAlreadyExistsException');
    expect(refusal(() => sim.createJobTemplate({ jobTemplateId: 'r', description: 'd', document: '{}', maintenanceWindows: [] })).message).toContain('maintenanceWindows');
    const managed = refusal(() => sim.createJob({ jobId: 'm', targets: ['t1'], jobTemplateArn: 'arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0' }));
    expect(managed.message).toContain('AWS managed templates');
    expect(refusal(() => sim.createJob({ jobId: 'm', targets: ['t1'], document: '{}', documentParameters: { a: 'b' } })).message).toContain('documentParameters');
  });
});

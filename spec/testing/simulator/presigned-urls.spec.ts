/**
 * S3 documents and presigned URLs (docs/protocol.md §8): `documentSource` read from the
 * simulator's object store; `${aws:iot:s3-presigned-url:...}` placeholders
 * replaced in what devices receive by signed URLs that expire per
 * `presignedUrlConfig.expiresInSec` on the simulator's clock.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JobsSimulator } from '../../../lib/testing/simulator/jobs-simulator.js';
import type { NotifyNextEvent } from '../../../lib/testing/simulator/events.js';
import { ManualClock, refusal } from './helpers.js';

let clock: ManualClock;
let sim: JobsSimulator;

beforeEach(() => {
  clock = new ManualClock();
  sim = new JobsSimulator({ clock });
  sim.createThing({ thingName: 't1' });
});
afterEach(async () => {
  await sim.close();
});


const PLACEHOLDER = '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/firmware/v2/app.bin}';
const TEMPLATE = JSON.stringify({ operation: 'update', url: PLACEHOLDER });

describe('documentSource', () => {
  test('reads the document from the object store; DescribeJob names the source; GetJobDocument gives the text', () => {
    sim.putObject('jobs', 'docs/update.json', TEMPLATE, 'application/json');
    sim.createJob({ jobId: 'fw', targets: ['t1'], documentSource: 'https://s3.amazonaws.com/jobs/docs/update.json' });
    expect(sim.describeJob({ jobId: 'fw' }).documentSource).toBe('https://s3.amazonaws.com/jobs/docs/update.json');
    expect(sim.getJobDocument({ jobId: 'fw' }).document).toBe(TEMPLATE);
    sim.createJob({ jobId: 'hosted', targets: ['t1'], documentSource: 'https://jobs.s3.us-east-1.amazonaws.com/docs/update.json' });
    expect(sim.getJobDocument({ jobId: 'hosted' }).document).toBe(TEMPLATE);
  });

  test('a missing object, a non-S3 URL, both document and documentSource, or a non-JSON object are InvalidRequestException', () => {
    sim.putObject('jobs', 'bad.json', 'not json');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ documentSource: 'https://s3.amazonaws.com/jobs/missing.json' }, 'does not exist'],
      [{ documentSource: 'https://example.com/jobs/doc.json' }, 'S3 URL'],
      [{ documentSource: 'https://s3.amazonaws.com/jobs/bad.json', document: '{}' }, 'either document or documentSource'],
      [{ documentSource: 'https://s3.amazonaws.com/jobs/bad.json' }, 'not valid JSON'],
    ];
    for (const [extra, message] of cases) {
      const error = refusal(() => sim.createJob({ jobId: 'x', targets: ['t1'], ...extra }));
      expect({ code: error.code, message: error.message.includes(message) }).toEqual({ code: 'InvalidRequestException', message: true });
    }
  });
});

describe('presigned-URL placeholders', () => {
  test('devices get a signed URL (MQTT notify-next, start-next, HTTP describe); control-plane reads keep the placeholder', () => {
    sim.putObject('firmware', 'v2/app.bin', Buffer.from([1, 2, 3, 4]));
    const nexts: NotifyNextEvent[] = [];
    sim.on('notify-next', (event) => nexts.push(event));
    sim.createJob({ jobId: 'fw', targets: ['t1'], document: TEMPLATE, presignedUrlConfig: { expiresInSec: 300 } });

    const notified = nexts[0]!.payload.execution!.jobDocument as { url: string };
    expect(notified.url).toMatch(/^https:\/\/objects\.simulator\.invalid\/presigned-objects\/firmware\/v2\/app\.bin\?X-Sim-Expires=\d+&X-Sim-Signature=[0-9a-f]{64}$/);
    const resolved = sim.resolvePresignedUrl(notified.url);
    expect(resolved.ok && [...resolved.object.body]).toEqual([1, 2, 3, 4]);

    const started = sim.startNextPendingJobExecution('t1');
    expect(started.ok && (started.reply.execution!.jobDocument as { url: string }).url).toMatch(/X-Sim-Signature=/);
    const overHttp = sim.describeJobExecutionForDevice('t1', 'fw', {}, { protocol: 'http' });
    const text = overHttp.ok ? (overHttp.reply.execution!.jobDocument as string) : '';
    expect(JSON.parse(text)).toEqual({ operation: 'update', url: expect.stringContaining('/presigned-objects/firmware/v2/app.bin?') });

    expect(sim.getJobDocument({ jobId: 'fw' }).document).toBe(TEMPLATE);
    expect(JSON.stringify(sim.describeJob({ jobId: 'fw' }))).not.toContain('X-Sim-Signature');
  });

  test('a URL expires after expiresInSec on the simulator clock; a tampered one is refused; a missing object is NoSuchKey', () => {
    sim.putObject('firmware', 'v2/app.bin', 'bytes');
    sim.createJob({ jobId: 'fw', targets: ['t1'], document: TEMPLATE, presignedUrlConfig: { expiresInSec: 60 } });
    const described = sim.describeJobExecutionForDevice('t1', 'fw', {});
    const url = described.ok ? (described.reply.execution!.jobDocument as { url: string }).url : '';
    clock.advance(59_000);
    expect(sim.resolvePresignedUrl(url).ok).toBe(true);
    expect(sim.resolvePresignedUrl(url.replace('app.bin', 'other.bin'))).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(sim.resolvePresignedUrl(url.replace(/X-Sim-Expires=(\d+)/, (_, value: string) => `X-Sim-Expires=${Number(value) + 3600}`))).toMatchObject({
      ok: false,
      code: 'AccessDenied',
    });
    clock.advance(1_000);
    expect(sim.resolvePresignedUrl(url)).toEqual({ ok: false, code: 'AccessDenied', message: 'Request has expired' });
    // A new delivery signs a new URL from now.
    const again = sim.describeJobExecutionForDevice('t1', 'fw', {});
    expect(sim.resolvePresignedUrl(again.ok ? (again.reply.execution!.jobDocument as { url: string }).url : '').ok).toBe(true);
    sim.createJob({ jobId: 'gone', targets: ['t1'], document: JSON.stringify({ url: '${aws:iot:s3-presigned-url:https://s3.amazonaws.com/firmware/none.bin}' }) });
    const gone = sim.describeJobExecutionForDevice('t1', 'gone', {});
    expect(sim.resolvePresignedUrl(gone.ok ? (gone.reply.execution!.jobDocument as { url: string }).url : '')).toMatchObject({ ok: false, code: 'NoSuchKey' });
  });

  test('the default validity is 3600 s; a placeholder that is not an S3 URL is InvalidRequestException', () => {
    sim.putObject('firmware', 'v2/app.bin', 'bytes');
    sim.createJob({ jobId: 'fw', targets: ['t1'], document: TEMPLATE });
    const described = sim.describeJobExecutionForDevice('t1', 'fw', {});
    const url = described.ok ? (described.reply.execution!.jobDocument as { url: string }).url : '';
    clock.advance(3_599_000);
    expect(sim.resolvePresignedUrl(url).ok).toBe(true);
    clock.advance(1_000);
    expect(sim.resolvePresignedUrl(url).ok).toBe(false);
    const error = refusal(() => sim.createJob({ jobId: 'bad', targets: ['t1'], document: JSON.stringify({ url: '${aws:iot:s3-presigned-url:ftp://example.com/x}' }) }));
    expect(error.message).toContain('ftp://example.com/x');
  });
});

import { describe, expect, test } from '@jest/globals';
import {
  acceptedTopic,
  describeTopic,
  getPendingTopic,
  notifyNextTopic,
  notifyTopic,
  parseJobsTopic,
  rejectedTopic,
  replyFilter,
  requestTopic,
  startNextTopic,
  thingFilters,
  updateTopic,
} from '../../lib/protocol/topics.js';
import { InvalidArgumentError } from '../../lib/errors.js';

describe('topic builders (docs/protocol.md §2.1, literal strings from the AWS docs)', () => {
  test.each([
    [getPendingTopic('thing1'), '$aws/things/thing1/jobs/get'],
    [acceptedTopic(getPendingTopic('thing1')), '$aws/things/thing1/jobs/get/accepted'],
    [rejectedTopic(getPendingTopic('thing1')), '$aws/things/thing1/jobs/get/rejected'],
    [startNextTopic('thing1'), '$aws/things/thing1/jobs/start-next'],
    [acceptedTopic(startNextTopic('thing1')), '$aws/things/thing1/jobs/start-next/accepted'],
    [rejectedTopic(startNextTopic('thing1')), '$aws/things/thing1/jobs/start-next/rejected'],
    [describeTopic('thing1', 'job-1'), '$aws/things/thing1/jobs/job-1/get'],
    [describeTopic('thing1', '$next'), '$aws/things/thing1/jobs/$next/get'],
    [acceptedTopic(describeTopic('thing1', '$next')), '$aws/things/thing1/jobs/$next/get/accepted'],
    [rejectedTopic(describeTopic('thing1', 'job-1')), '$aws/things/thing1/jobs/job-1/get/rejected'],
    [updateTopic('thing1', 'job-1'), '$aws/things/thing1/jobs/job-1/update'],
    [acceptedTopic(updateTopic('thing1', 'job-1')), '$aws/things/thing1/jobs/job-1/update/accepted'],
    [rejectedTopic(updateTopic('thing1', 'job-1')), '$aws/things/thing1/jobs/job-1/update/rejected'],
    [notifyTopic('thing1'), '$aws/things/thing1/jobs/notify'],
    [notifyNextTopic('thing1'), '$aws/things/thing1/jobs/notify-next'],
    [replyFilter(updateTopic('my:thing', 'j')), '$aws/things/my:thing/jobs/j/update/+'],
  ])('%s', (built, literal) => {
    expect(built).toBe(literal);
  });

  test('requestTopic maps each operation', () => {
    expect(requestTopic('t', 'getPending')).toBe('$aws/things/t/jobs/get');
    expect(requestTopic('t', 'startNext')).toBe('$aws/things/t/jobs/start-next');
    expect(requestTopic('t', 'describe', 'j')).toBe('$aws/things/t/jobs/j/get');
    expect(requestTopic('t', 'update', 'j')).toBe('$aws/things/t/jobs/j/update');
    expect(() => requestTopic('t', 'update')).toThrow(InvalidArgumentError);
  });

  test('thingFilters covers replies and notifications with six filters', () => {
    expect(thingFilters('t')).toEqual([
      '$aws/things/t/jobs/get/+',
      '$aws/things/t/jobs/start-next/+',
      '$aws/things/t/jobs/+/get/+',
      '$aws/things/t/jobs/+/update/+',
      '$aws/things/t/jobs/notify',
      '$aws/things/t/jobs/notify-next',
    ]);
    expect(thingFilters('+')[0]).toBe('$aws/things/+/jobs/get/+');
  });
});

describe('parseJobsTopic', () => {
  test.each([
    ['$aws/things/t/jobs/get', { kind: 'request', thingName: 't', operation: 'getPending' }],
    ['$aws/things/t/jobs/get/accepted', { kind: 'accepted', thingName: 't', operation: 'getPending' }],
    ['$aws/things/t/jobs/get/rejected', { kind: 'rejected', thingName: 't', operation: 'getPending' }],
    ['$aws/things/t/jobs/start-next', { kind: 'request', thingName: 't', operation: 'startNext' }],
    ['$aws/things/t/jobs/start-next/accepted', { kind: 'accepted', thingName: 't', operation: 'startNext' }],
    ['$aws/things/t/jobs/start-next/rejected', { kind: 'rejected', thingName: 't', operation: 'startNext' }],
    ['$aws/things/t/jobs/notify', { kind: 'notification', thingName: 't', notification: 'notify' }],
    ['$aws/things/t/jobs/notify-next', { kind: 'notification', thingName: 't', notification: 'notify-next' }],
    ['$aws/things/t/jobs/j1/get', { kind: 'request', thingName: 't', operation: 'describe', jobId: 'j1' }],
    ['$aws/things/t/jobs/$next/get', { kind: 'request', thingName: 't', operation: 'describe', jobId: '$next' }],
    ['$aws/things/t/jobs/$next/get/accepted', { kind: 'accepted', thingName: 't', operation: 'describe', jobId: '$next' }],
    ['$aws/things/t/jobs/j1/update', { kind: 'request', thingName: 't', operation: 'update', jobId: 'j1' }],
    ['$aws/things/t/jobs/j1/update/rejected', { kind: 'rejected', thingName: 't', operation: 'update', jobId: 'j1' }],
    // Jobs named like the API's own levels parse by level count.
    ['$aws/things/t/jobs/get/get', { kind: 'request', thingName: 't', operation: 'describe', jobId: 'get' }],
    ['$aws/things/t/jobs/get/get/accepted', { kind: 'accepted', thingName: 't', operation: 'describe', jobId: 'get' }],
    ['$aws/things/t/jobs/get/update', { kind: 'request', thingName: 't', operation: 'update', jobId: 'get' }],
    ['$aws/things/t/jobs/update/update/accepted', { kind: 'accepted', thingName: 't', operation: 'update', jobId: 'update' }],
    ['$aws/things/t/jobs/notify/update', { kind: 'request', thingName: 't', operation: 'update', jobId: 'notify' }],
    ['$aws/things/t/jobs/notify-next/get/rejected', { kind: 'rejected', thingName: 't', operation: 'describe', jobId: 'notify-next' }],
    ['$aws/things/t/jobs/start-next/get', { kind: 'request', thingName: 't', operation: 'describe', jobId: 'start-next' }],
    ['$aws/things/t/jobs/start-next/update/accepted', { kind: 'accepted', thingName: 't', operation: 'update', jobId: 'start-next' }],
    ['$aws/things/my:thing_1-A/jobs/get', { kind: 'request', thingName: 'my:thing_1-A', operation: 'getPending' }],
  ])('%s', (topic, parsed) => {
    expect(parseJobsTopic(topic)).toEqual(parsed);
  });

  test.each([
    '$aws/things/t/jobs',
    '$aws/things/t/jobs/',
    '$aws/things/t/jobs/frobnicate',
    '$aws/things/t/jobs/j1/frobnicate',
    '$aws/things/t/jobs/$next/update',
    '$aws/things/t/jobs/j1/get/other',
    '$aws/things/t/jobs/j1/get/accepted/x',
    '$aws/things/t/jobs/get/accepted/x',
    '$aws/things/t/shadow/get',
    '$aws/things//jobs/get',
    '$aws/things/+/jobs/get',
    '$aws/things/#/jobs/get',
    '$aws/things/t/jobs/+/get',
    '$aws/things/t/jobs/j.1/get',
    `$aws/things/${'a'.repeat(129)}/jobs/get`,
    `$aws/things/t/jobs/${'j'.repeat(65)}/get`,
    'things/t/jobs/get',
    '',
  ])('refuses %s', (topic) => {
    expect(parseJobsTopic(topic)).toBeUndefined();
  });
});

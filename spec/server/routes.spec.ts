import { describe, expect, test } from '@jest/globals';
import { matchRoute, ROUTES } from '../../lib/server/routes.js';

const split = (path: string): string[] => path.slice(1).split('/');

function operation(plane: 'data' | 'control' | undefined, method: string, path: string): string | undefined {
  const result = matchRoute(plane, method, split(path));
  return result.ok ? `${result.match.route.plane}:${result.match.route.operation}` : undefined;
}

describe('route table', () => {
  test('data-plane routes (docs/protocol.md §10)', () => {
    expect(operation('data', 'GET', '/things/t/jobs')).toBe('data:GetPendingJobExecutions');
    expect(operation('data', 'PUT', '/things/t/jobs/$next')).toBe('data:StartNextPendingJobExecution');
    expect(operation('data', 'GET', '/things/t/jobs/j1')).toBe('data:DescribeJobExecution');
    expect(operation('data', 'GET', '/things/t/jobs/$next')).toBe('data:DescribeJobExecution');
    expect(operation('data', 'POST', '/things/t/jobs/j1')).toBe('data:UpdateJobExecution');
  });

  test('control-plane routes (docs/protocol.md §11)', () => {
    expect(operation('control', 'POST', '/things/t')).toBe('control:CreateThing');
    expect(operation('control', 'GET', '/things/t')).toBe('control:DescribeThing');
    expect(operation('control', 'DELETE', '/things/t')).toBe('control:DeleteThing');
    expect(operation('control', 'PUT', '/jobs/j1')).toBe('control:CreateJob');
    expect(operation('control', 'GET', '/jobs/j1')).toBe('control:DescribeJob');
    expect(operation('control', 'GET', '/jobs/j1/job-document')).toBe('control:GetJobDocument');
    expect(operation('control', 'GET', '/jobs')).toBe('control:ListJobs');
    expect(operation('control', 'PUT', '/jobs/j1/cancel')).toBe('control:CancelJob');
    expect(operation('control', 'DELETE', '/jobs/j1')).toBe('control:DeleteJob');
    expect(operation('control', 'GET', '/things/t/jobs/j1')).toBe('control:DescribeJobExecution');
    expect(operation('control', 'GET', '/things/t/jobs')).toBe('control:ListJobExecutionsForThing');
    expect(operation('control', 'GET', '/jobs/j1/things')).toBe('control:ListJobExecutionsForJob');
    expect(operation('control', 'PUT', '/things/t/jobs/j1/cancel')).toBe('control:CancelJobExecution');
  });

  test('the shared paths resolve by plane; unsigned requests get the data plane', () => {
    expect(operation('control', 'GET', '/things/t/jobs')).toBe('control:ListJobExecutionsForThing');
    expect(operation(undefined, 'GET', '/things/t/jobs')).toBe('data:GetPendingJobExecutions');
    expect(operation(undefined, 'GET', '/things/t/jobs/j1')).toBe('data:DescribeJobExecution');
  });

  test('unsigned requests reach the control-plane paths the data plane lacks', () => {
    expect(operation(undefined, 'PUT', '/jobs/j1')).toBe('control:CreateJob');
    expect(operation(undefined, 'PUT', '/things/t/jobs/j1/cancel')).toBe('control:CancelJobExecution');
  });

  test('labels are captured, literal segments must match exactly', () => {
    const result = matchRoute('data', 'GET', ['things', 'a:b', 'jobs', 'j-1']);
    expect(result).toEqual({ ok: true, match: { route: expect.objectContaining({ operation: 'DescribeJobExecution' }), labels: { thingName: 'a:b', jobId: 'j-1' } } });
    expect(operation('data', 'PUT', '/things/t/jobs/j1')).toBeUndefined();
  });

  test('a request signed for one plane does not reach the other, and says where the path lives', () => {
    expect(matchRoute('data', 'PUT', split('/jobs/j1'))).toEqual({ ok: false, otherPlane: 'control' });
    expect(matchRoute('control', 'POST', split('/things/t/jobs/j1'))).toEqual({ ok: false, otherPlane: 'data' });
    expect(matchRoute('control', 'GET', split('/nothing/here'))).toEqual({ ok: false, otherPlane: undefined });
  });

  test('POST /command-executions is StartCommandExecution on the data plane (and unsigned), ListCommandExecutions on the control plane', () => {
    expect(operation('data', 'POST', '/command-executions')).toBe('data:StartCommandExecution');
    expect(operation(undefined, 'POST', '/command-executions')).toBe('data:StartCommandExecution');
    expect(operation('control', 'POST', '/command-executions')).toBe('control:ListCommandExecutions');
    expect(operation('control', 'GET', '/command-executions/e-1')).toBe('control:GetCommandExecution');
    expect(operation('control', 'PATCH', '/commands/c-1')).toBe('control:UpdateCommand');
  });

  test('empty segments and wrong methods match nothing', () => {
    expect(operation(undefined, 'GET', '/things//jobs')).toBeUndefined();
    expect(operation(undefined, 'PATCH', '/things/t/jobs')).toBeUndefined();
    expect(operation(undefined, 'GET', '/jobs/')).toBeUndefined();
  });

  test('every operation appears once per plane', () => {
    const keys = ROUTES.map((route) => `${route.plane}:${route.operation}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Jobs and things: 4 data-plane and 16 control-plane operations; Commands: StartCommandExecution and 8 control-plane operations.
    expect(ROUTES.filter((route) => route.plane === 'data')).toHaveLength(4 + 1);
    expect(ROUTES.filter((route) => route.plane === 'control')).toHaveLength(16 + 8);
  });
});

/**
 * Checks each operation's arguments by the AWS rules (validate.ts) before
 * anything is subscribed or published. Each function throws
 * {@link InvalidArgumentError} naming the first field at fault.
 * @packageDocumentation
 */

import { InvalidArgumentError } from '../errors.js';
import type { DescribeJobExecutionRequest, GetPendingJobExecutionsRequest, StartNextPendingJobExecutionRequest, UpdateJobExecutionRequest } from '../protocol/shapes.js';
import { assertBoolean, assertClientToken, assertDeviceStatus, assertNonNegativeInteger, assertStatusDetails, assertStepTimeout, assertTimeoutMs } from './arguments.js';

/** Per-call options. */
export interface CallOptions {
  /** How long to wait for the reply (and the subscription before it). `Infinity` waits for ever. @defaultValue the client's `timeoutMs` */
  timeoutMs?: number | undefined;
  /** Aborts the call: it rejects with JobsAbortError at once. `undefined` is allowed (an optional signal passed along). */
  signal?: AbortSignal | undefined;
}

/** @throws {@link InvalidArgumentError} for options that are not a {@link CallOptions}. */
export function assertCallOptions(options: unknown): asserts options is CallOptions {
  assertObject(options, 'options');
  const { timeoutMs, signal } = options as CallOptions;
  if (timeoutMs !== undefined) assertTimeoutMs(timeoutMs);
  if (signal !== undefined && !isAbortSignal(signal)) throw new InvalidArgumentError('signal', 'an AbortSignal', signal);
}

/** @throws {@link InvalidArgumentError} for an invalid GetPendingJobExecutions request. */
export function assertGetPendingRequest(request: unknown): asserts request is GetPendingJobExecutionsRequest {
  assertObject(request, 'request');
  assertOptionalToken(request as GetPendingJobExecutionsRequest);
}

/** @throws {@link InvalidArgumentError} for an invalid StartNextPendingJobExecution request. */
export function assertStartNextRequest(request: unknown): asserts request is StartNextPendingJobExecutionRequest {
  assertObject(request, 'request');
  const { statusDetails, stepTimeoutInMinutes } = request as StartNextPendingJobExecutionRequest;
  if (statusDetails !== undefined) assertStatusDetails(statusDetails);
  if (stepTimeoutInMinutes !== undefined) assertStepTimeout(stepTimeoutInMinutes, false);
  assertOptionalToken(request as StartNextPendingJobExecutionRequest);
}

/** @throws {@link InvalidArgumentError} for an invalid DescribeJobExecution request. */
export function assertDescribeRequest(request: unknown): asserts request is DescribeJobExecutionRequest {
  assertObject(request, 'request');
  const { executionNumber, includeJobDocument } = request as DescribeJobExecutionRequest;
  if (executionNumber !== undefined) assertNonNegativeInteger(executionNumber, 'executionNumber');
  if (includeJobDocument !== undefined) assertBoolean(includeJobDocument, 'includeJobDocument');
  assertOptionalToken(request as DescribeJobExecutionRequest);
}

/** @throws {@link InvalidArgumentError} for an invalid UpdateJobExecution request. */
export function assertUpdateRequest(request: unknown): asserts request is UpdateJobExecutionRequest {
  assertObject(request, 'request', false);
  const update = request as UpdateJobExecutionRequest;
  assertDeviceStatus(update.status);
  if (update.statusDetails !== undefined) assertStatusDetails(update.statusDetails);
  if (update.expectedVersion !== undefined) assertNonNegativeInteger(update.expectedVersion, 'expectedVersion');
  if (update.executionNumber !== undefined) assertNonNegativeInteger(update.executionNumber, 'executionNumber');
  if (update.includeJobExecutionState !== undefined) assertBoolean(update.includeJobExecutionState, 'includeJobExecutionState');
  if (update.includeJobDocument !== undefined) assertBoolean(update.includeJobDocument, 'includeJobDocument');
  if (update.stepTimeoutInMinutes !== undefined) assertStepTimeout(update.stepTimeoutInMinutes, true);
  assertOptionalToken(update);
}

/** Duck-typed, so that a signal from another realm (a jest VM context) passes. */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<AbortSignal>;
  return typeof candidate.aborted === 'boolean' && typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function';
}

function assertOptionalToken(request: { clientToken?: string }): void {
  if (request.clientToken !== undefined) assertClientToken(request.clientToken);
}

function assertObject(value: unknown, field: string, optional = true): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(field, 'an object', value);
}

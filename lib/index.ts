/**
 * aws-iot-jobs: AWS IoT Jobs for devices and gateways, awaitable.
 * @packageDocumentation
 */

export {
  JobsError,
  InvalidArgumentError,
  JobsRejectedError,
  JobsTimeoutError,
  JobsAbortError,
  ConnectionClosedError,
  MalformedMessageError,
  SubscriptionRefusedError,
} from './errors.js';

export { JobsClient, DEFAULT_TIMEOUT_MS } from './client/jobs-client.js';
export type {
  JobsClientOptions,
  CallOptions,
  JobsClientEvents,
  JobsClientDebugEvent,
  IgnoredReplyReason,
} from './client/jobs-client.js';
export type { Outcome } from './client/deferred.js';
export { connect, fromMqttJs } from './client/connection.js';
export type {
  MqttConnection,
  MqttJsClient,
  ConnectOptions,
  JobsQoS,
  SubscriptionGrant,
  ConnectionEvents,
  MessageListener,
  ConnectListener,
  CloseListener,
} from './client/connection.js';
export { AWS_IOT_MQTT_ALPN } from './client/connect.js';

export {
  jobsRoot,
  getPendingTopic,
  startNextTopic,
  describeTopic,
  updateTopic,
  notifyTopic,
  notifyNextTopic,
  requestTopic,
  acceptedTopic,
  rejectedTopic,
  replyFilter,
  thingFilters,
  parseJobsTopic,
  ANY_THING,
} from './client/topics.js';
export type { JobsOperation, JobsNotification, ParsedJobsTopic } from './client/topics.js';

export {
  NEXT_JOB_ID,
  DEVICE_STATUSES,
  LIMITS,
  isValidThingName,
  isValidJobId,
  isDeviceStatus,
  isValidStepTimeout,
  isValidClientToken,
  assertThingName,
  assertJobId,
  assertDescribeJobId,
  assertDeviceStatus,
  assertStatusDetails,
  assertStepTimeout,
  assertClientToken,
  statusDetailsProblem,
} from './client/validate.js';
export type { DeviceStatus } from './client/validate.js';

export {
  JOB_EXECUTION_STATUSES,
  TERMINAL_STATUSES,
  REJECTED_ERROR_CODES,
  MAX_PAYLOAD_BYTES,
  encodeGetPendingRequest,
  encodeStartNextRequest,
  encodeDescribeRequest,
  encodeUpdateRequest,
  parsePayload,
  decodeGetPendingAccepted,
  decodeStartNextAccepted,
  decodeDescribeAccepted,
  decodeUpdateAccepted,
  decodeRejected,
  decodeJobExecutionsChanged,
  decodeNextJobExecutionChanged,
} from './client/messages.js';
export type {
  JobExecutionStatus,
  RejectedErrorCode,
  StatusDetails,
  JobExecutionSummary,
  JobExecution,
  JobExecutionState,
  GetPendingJobExecutionsRequest,
  StartNextPendingJobExecutionRequest,
  DescribeJobExecutionRequest,
  UpdateJobExecutionRequest,
  GetPendingJobExecutionsAccepted,
  StartNextPendingJobExecutionAccepted,
  DescribeJobExecutionAccepted,
  UpdateJobExecutionAccepted,
  RejectedErrorResponse,
  JobExecutionsChangedNotification,
  NextJobExecutionChangedNotification,
  DecodeResult,
  Payload,
  JsonObject,
  JsonValue,
} from './client/messages.js';

export { Jobs } from './jobs.js';
export type { JobsEvents, JobsOptions, StartNextOptions, JobLists } from './jobs.js';
export { Job } from './job.js';
export type { JobUpdateOptions } from './job.js';
export { Thing } from './thing.js';
export type { ThingLike } from './thing.js';
export { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS } from './retry.js';
export type { RetryOptions } from './retry.js';

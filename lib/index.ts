/**
 * aws-iot-jobs: AWS IoT Jobs for devices and gateways, awaitable. This entry
 * holds what device code uses; topic builders, encoders, decoders and the AWS
 * rules are in `aws-iot-jobs/protocol`, the test kit in `aws-iot-jobs/testing`.
 * @packageDocumentation
 */

export {
  JobsError,
  InvalidArgumentError,
  JobsRejectedError,
  JobsTimeoutError,
  JobsAbortError,
  ConnectionClosedError,
  JobsClosedError,
  MalformedMessageError,
  SubscriptionRefusedError,
} from './errors.js';
export type { CallErrorOptions } from './errors.js';

export { JobsClient, DEFAULT_TIMEOUT_MS, AWS_MAX_SUBSCRIPTIONS_PER_CONNECTION } from './client/jobs-client.js';
export type {
  JobsClientOptions,
  CallOptions,
  JobsClientEvents,
  JobsClientDebugEvent,
  IgnoredReplyReason,
  Events,
} from './client/jobs-client.js';
export type { Outcome } from './client/deferred.js';
export { connect } from './mqtt/connect.js';
export type { ConnectOptions } from './mqtt/connect.js';
export { fromMqttJs } from './mqtt/mqtt-js-adapter.js';
export type { MqttJsClient } from './mqtt/mqtt-js-adapter.js';
export type {
  MqttConnection,
  JobsQoS,
  SubscriptionGrant,
  ConnectionEvents,
  MessageListener,
  ConnectListener,
  CloseListener,
} from './mqtt/connection.js';
export { AWS_IOT_MQTT_ALPN } from './mqtt/connect.js';

export { NEXT_JOB_ID, DEVICE_STATUSES } from './protocol/rules.js';
export type { DeviceStatus } from './protocol/rules.js';
export { JOB_EXECUTION_STATUSES, TERMINAL_STATUSES } from './protocol/shapes.js';
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
} from './protocol/shapes.js';
export type { JsonObject, JsonValue } from './protocol/json.js';

export { Jobs, RESYNC_FIRST_DELAY_MS, RESYNC_MAX_DELAY_MS } from './jobs.js';
export type { JobsEvents, JobsOptions, StartNextOptions, JobLists } from './jobs.js';
export { Job } from './job.js';
export type { JobUpdateOptions } from './job.js';
export { Thing } from './thing.js';
export type { ThingLike } from './thing.js';
export { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS } from './retry.js';
export type { RetryOptions } from './retry.js';

export {
  runJobs,
  JobRunner,
  DEFAULT_PROGRESS_INTERVAL_MS,
  DEFAULT_RUNNER_RETRY_DELAY_MS,
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_POLL_MS,
} from './runner/job-runner.js';
export type { JobRunnerOptions } from './runner/job-runner.js';
export type { JobRunnerEvents, RunnerLogger } from './runner/runner-events.js';
export type { JobContext, JobHandler, JobHandlers, HandlerChoice, DeviceClientStep } from './runner/handlers.js';
export { ExecutionEndedError, RunnerStoppedError, JobRejection } from './runner/runner-errors.js';
export type { EndedStatus } from './runner/runner-errors.js';
export type { StatusStore, StoredStatus, FinalStatus } from './runner/status-store.js';
export { MemoryStatusStore } from './runner/memory-status-store.js';
export { FileStatusStore, defaultOutboxDirectory } from './runner/file-status-store.js';

// AWS IoT Commands (docs/commands.md).
export { Commands } from './commands/commands.js';
export type { CommandsOptions, CommandsClientTarget } from './commands/commands.js';
export { CommandExecution } from './commands/command-execution.js';
export type { CommandReplyDetails } from './commands/command-execution.js';
export { CommandsClient } from './commands/commands-client.js';
export type { CommandsClientOptions, CommandsClientEvents, CommandCallOptions, IncomingCommand, CommandReceiver } from './commands/commands-client.js';
export { CommandRejectedError, CommandTimeoutError } from './commands/command-errors.js';
export { COMMAND_EXECUTION_STATUSES, COMMAND_DEVICE_STATUSES } from './protocol/commands/rules.js';
export type { CommandExecutionStatus, CommandDeviceStatus, CommandDeviceType } from './protocol/commands/rules.js';
export type { CommandExecutionResult, CommandStatusReason, CommandResponse, CommandResponseRejected, CommandRejectedErrorCode, CommandExecutionEvent } from './protocol/commands/shapes.js';
export type { CommandPayloadFormat, CommandResponseFormat } from './protocol/commands/topics.js';

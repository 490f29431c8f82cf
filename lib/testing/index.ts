/**
 * `aws-iot-jobs/testing`: an in-memory broker and an AWS-faithful Jobs service
 * simulator, for tests with no AWS account. Needs the optional peer
 * dependency `aedes`.
 * @packageDocumentation
 */

export { createInMemoryBroker, createTcpBroker } from './broker.js';
export type { TestBroker, TcpTestBroker, TcpBrokerOptions, TestClientOptions } from './broker.js';
export { AedesMissingError } from './load-aedes.js';

export { JobsSimulator } from './simulator/jobs-simulator.js';
export type { JobsSimulatorOptions, Detach, ExternalBrokerOptions, SimulatorEventHandler } from './simulator/jobs-simulator.js';
export { createTestEnvironment } from './test-environment.js';
export type { TestEnvironment } from './test-environment.js';
export { systemClock, toDeviceSeconds, toControlSeconds } from './simulator/clock.js';
export type { SimulatorClock } from './simulator/clock.js';
export { DEFAULT_BEHAVIOR } from './simulator/behavior.js';
export type { SimulatorBehavior } from './simulator/behavior.js';
export { SimulatorError, CONTROL_PLANE_ERRORS } from './simulator/simulator-error.js';
export type { ControlPlaneErrorCode } from './simulator/simulator-error.js';
export { SimulatorFaults } from './simulator/faults.js';
export { DEFAULT_DELIVERY_LIMITS } from './simulator/notification-outbox.js';
export type { DeliveryLimits } from './simulator/notification-outbox.js';
export type { FaultMatch, ReplyFault, InjectedRejection } from './simulator/faults.js';
export { thingPolicyAllows, thingPolicyAllowsPublish, thingPolicyAllowsReceive, thingPolicyAllowsSubscribe, AccessDeniedError } from './simulator/access-control.js';
export { certificateId } from './simulator/principals.js';
export { DEFAULT_BROKER_LIMITS } from './broker.js';
export type { TlsListenerOptions } from './broker.js';
export { AWS_IOT_MAX_PAYLOAD_BYTES } from './connection-guard.js';
export type { LimitEvent } from './connection-guard.js';
export type { AccessControl } from './simulator/access-control.js';
export { AWS_SUBSCRIPTION_QUOTAS, SubscribeQuotaError } from './simulator/quotas.js';
export type { SubscriptionQuotas } from './simulator/quotas.js';
export { JOBS_REQUEST_FILTER } from '../protocol/topics.js';
export type { DeviceResult, DeviceError, DeviceCallOptions, GetPendingReply, ExecutionReply, UpdateReply } from './simulator/device-api.js';
export type { NotifyEvent, NotifyNextEvent, NextNotificationPayload, SimulatorEvents } from './simulator/events.js';
export type {
  DeviceProtocol,
  DeviceJobExecution,
  JobDescription,
  JobSummary,
  JobProcessDetails,
  ControlJobExecution,
  ControlJobExecutionSummary,
} from './simulator/shapes.js';
export type { JobStatus, TargetSelection } from './simulator/model.js';
export type { CreateThingRequest, CreateThingResponse, DescribeThingResponse } from './simulator/control-things.js';
export type {
  CreateJobRequest,
  JobIdentity,
  DescribeJobResponse,
  ListJobsRequest,
  ListJobsResponse,
  CancelJobRequest,
  DeleteJobRequest,
  UpdateJobRequest,
  AssociateTargetsWithJobRequest,
} from './simulator/control-jobs.js';
export type {
  CreateThingGroupRequest,
  CreateThingGroupResponse,
  DescribeThingGroupResponse,
  ThingGroupMembershipRequest,
  ListThingsInThingGroupRequest,
  ListThingsInThingGroupResponse,
} from './simulator/control-thing-groups.js';
export type {
  PresignedUrlConfig,
  RetryConfig,
  RetryFailureType,
  RolloutConfig,
  AbortConfig,
  AbortFailureType,
  SchedulingConfig,
  JobEndBehavior,
  JobTag,
} from './simulator/job-config.js';
export { ABORT_REASON_CODE } from './simulator/abort.js';
export type { CreateJobTemplateRequest, DescribeJobTemplateResponse, ListJobTemplatesResponse } from './simulator/templates.js';
export type { StoredObject } from './simulator/object-store.js';
export type { Resolved as ResolvedPresignedUrl } from './simulator/presigned-urls.js';
export type {
  DescribeJobExecutionRequest as ControlDescribeJobExecutionRequest,
  ListJobExecutionsForThingRequest,
  ListJobExecutionsForThingResponse,
  ListJobExecutionsForJobRequest,
  ListJobExecutionsForJobResponse,
  CancelJobExecutionRequest,
} from './simulator/control-executions.js';

// AWS IoT Commands (docs/commands.md): `simulator.commands`.
export { CommandsSimulator } from './simulator/commands/commands-simulator.js';
export type { CommandsSimulatorOptions } from './simulator/commands/commands-simulator.js';
export { CommandsServiceError, COMMANDS_ERRORS } from './simulator/commands/commands-error.js';
export type { CommandsErrorCode } from './simulator/commands/commands-error.js';
export { CommandFaults } from './simulator/commands/faults.js';
export type { CommandFaultMatch, CommandMessageFault, InjectedCommandRejection } from './simulator/commands/faults.js';
export type { CommandsSimulatorEvents, CommandRequestEvent, CommandStatusEvent } from './simulator/commands/core.js';
export type { CommandNamespace, CommandParameterValue, CommandParameter, CommandPayload, CommandPreprocessor } from './simulator/commands/model.js';
export type {
  CreateCommandRequest,
  GetCommandResponse,
  CommandSummary,
  ListCommandsRequest,
  UpdateCommandRequest,
  UpdateCommandResponse,
  CreateCommandResponse,
  DeleteCommandResponse,
  ListCommandsResponse,
} from './simulator/commands/control-commands.js';
export { NO_RESPONSE_REASON } from './simulator/commands/executions.js';
export type {
  StartCommandExecutionRequest,
  GetCommandExecutionRequest,
  GetCommandExecutionResponse,
  ListCommandExecutionsRequest,
  CommandExecutionSummary,
  CommandDeviceResult,
  ControlCommandExecutionResult,
  StartCommandExecutionResponse,
  ListCommandExecutionsResponse,
  TimeFilter,
} from './simulator/commands/executions.js';

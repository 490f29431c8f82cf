/**
 * `aws-iot-jobs/protocol`: the AWS IoT Jobs MQTT API as data — topic builders
 * and parser, wire types, encoders and decoders, and the AWS rules as
 * predicates. Pure: no I/O, no state. The client, the simulator and the server
 * all build on it; device code rarely needs it.
 * @packageDocumentation
 */

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
} from './topics.js';
export type { JobsOperation, JobsNotification, ParsedJobsTopic } from './topics.js';

export {
  NEXT_JOB_ID,
  DEVICE_STATUSES,
  LIMITS,
  THING_NAME_RULE,
  JOB_ID_RULE,
  isValidThingName,
  isValidJobId,
  isDeviceStatus,
  isValidStepTimeout,
  isValidClientToken,
  statusDetailsProblem,
} from './rules.js';
export type { DeviceStatus } from './rules.js';

export { JOB_EXECUTION_STATUSES, TERMINAL_STATUSES, REJECTED_ERROR_CODES } from './shapes.js';
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
} from './shapes.js';

export {
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
} from './codec.js';
export type { DecodeResult, Decoder, Payload } from './codec.js';
export type { JsonObject, JsonValue } from './json.js';

// AWS IoT Commands (docs/commands.md).
export {
  commandsRoot,
  commandRequestTopic,
  commandRequestFilter,
  commandResponseTopic,
  commandAcceptedTopic,
  commandRejectedTopic,
  commandReplyFilter,
  commandEventTopic,
  parseCommandTopic,
  parseCommandEventTopic,
  COMMAND_EVENTS_FILTER,
  COMMAND_RESPONSE_FILTER,
  COMMAND_PAYLOAD_FORMATS,
} from './commands/topics.js';
export type { CommandPayloadFormat, CommandResponseFormat, ParsedCommandTopic, ParsedCommandEventTopic } from './commands/topics.js';
export {
  COMMAND_EXECUTION_STATUSES,
  COMMAND_DEVICE_STATUSES,
  COMMAND_TERMINAL_STATUSES,
  COMMAND_LIMITS,
  isValidCommandId,
  isValidCommandExecutionId,
  isValidCommandClientId,
  isValidCommandDeviceId,
  isCommandDeviceStatus,
  isTerminalCommandStatus,
  isValidReasonCode,
  isValidReasonDescription,
  isValidExecutionTimeoutSeconds,
  isValidCommandClientToken,
} from './commands/rules.js';
export type { CommandExecutionStatus, CommandDeviceStatus, CommandDeviceType } from './commands/rules.js';
export { COMMAND_REJECTED_ERROR_CODES } from './commands/shapes.js';
export type {
  CommandExecutionResult,
  CommandStatusReason,
  CommandResponse,
  CommandResponseAccepted,
  CommandResponseRejected,
  CommandRejectedErrorCode,
  CommandExecutionEvent,
} from './commands/shapes.js';
export {
  encodeCommandMessage,
  readCommandMessage,
  encodeCommandResponse,
  decodeCommandResponse,
  decodeCommandAccepted,
  decodeCommandRejected,
  readStatusReason,
  readResultMap,
  readBytes,
} from './commands/codec.js';
export type { CommandMessage } from './commands/codec.js';

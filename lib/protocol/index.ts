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

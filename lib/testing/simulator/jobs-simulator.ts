/**
 * The AWS IoT Jobs service simulator: one simulated account's things and jobs,
 * a control API named as AWS names it, the four device operations
 * independent of transport, and MQTT attachment.
 * @packageDocumentation
 */

import type { Aedes } from 'aedes';
import type { IClientOptions } from 'async-mqtt';
import type { Emitter } from 'mitt';
import { InvalidArgumentError, JobsError } from '../../errors.js';
import type { JobsOperation } from '../../protocol/topics.js';
import type { TestBroker } from '../broker.js';
import { installThingPolicy, type AccessControl } from './access-control.js';
import { installSubscriptionQuotas, type SubscriptionQuotas } from './quotas.js';
import { attachToAedes, type AedesAttachment } from './attach-aedes.js';
import { attachExternal } from './attach-external.js';
import { DEFAULT_BEHAVIOR, type SimulatorBehavior } from './behavior.js';
import { CommandsSimulator } from './commands/commands-simulator.js';
import { systemClock, toDeviceSeconds, type SimulatorClock } from './clock.js';
import {
  cancelJobExecution,
  describeJobExecution,
  listJobExecutionsForJob,
  listJobExecutionsForThing,
  type CancelJobExecutionRequest,
  type DescribeJobExecutionRequest,
  type ListJobExecutionsForJobRequest,
  type ListJobExecutionsForJobResponse,
  type ListJobExecutionsForThingRequest,
  type ListJobExecutionsForThingResponse,
} from './control-executions.js';
import {
  cancelJob,
  createJob,
  deleteJob,
  describeJob,
  getJobDocument,
  listJobs,
  type CancelJobRequest,
  type CreateJobRequest,
  type DeleteJobRequest,
  type DescribeJobResponse,
  type JobIdentity,
  type ListJobsRequest,
  type ListJobsResponse,
  type UpdateJobRequest,
  updateJob,
  associateTargetsWithJob,
  type AssociateTargetsWithJobRequest,
  checkJobMembers,
} from './control-jobs.js';
import {
  addThingToThingGroup,
  createThingGroup,
  deleteThingGroup,
  describeThingGroup,
  listThingsInThingGroup,
  removeThingFromThingGroup,
  type CreateThingGroupRequest,
  type CreateThingGroupResponse,
  type DescribeThingGroupResponse,
  type ListThingsInThingGroupRequest,
  type ListThingsInThingGroupResponse,
  type ThingGroupMembershipRequest,
} from './control-thing-groups.js';
import { abortIfCriteriaMet } from './abort.js';
import { retryIfAllowed } from './retries.js';
import {
  createJobTemplate,
  deleteJobTemplate,
  describeJobTemplate,
  listJobTemplates,
  type CreateJobTemplateRequest,
  type DescribeJobTemplateResponse,
  type ListJobTemplatesResponse,
} from './templates.js';
import type { StoredObject } from './object-store.js';
import type { Resolved } from './presigned-urls.js';
import { SimulatorError } from './simulator-error.js';
import { createThing, deleteThing, describeThing, type CreateThingRequest, type CreateThingResponse, type DescribeThingResponse } from './control-things.js';
import { SimulatorCore } from './core.js';
import {
  describe,
  getPending,
  rejection,
  startNext,
  update,
  type DeviceCallOptions,
  type DeviceResult,
  type ExecutionReply,
  type GetPendingReply,
  type UpdateReply,
} from './device-api.js';
import { createEmitter, type SimulatorEvents } from './events.js';
import { SimulatorFaults } from './faults.js';
import type { FrontTarget } from './mqtt-front.js';
import { DEFAULT_DELIVERY_LIMITS, type DeliveryLimits } from './notification-outbox.js';
import { certificateId, ThingPrincipals } from './principals.js';
import type { ControlJobExecution } from './shapes.js';

/** Options of {@link JobsSimulator}. */
export interface JobsSimulatorOptions {
  /** Time and timers. @defaultValue {@link systemClock} (follows jest fake timers) */
  clock?: SimulatorClock;
  /** @defaultValue 'us-east-1' */
  region?: string;
  /** @defaultValue '123456789012' */
  accountId?: string;
  /** Switches for the ambiguous points (docs/protocol.md §14). @defaultValue {@link DEFAULT_BEHAVIOR} */
  behavior?: Partial<SimulatorBehavior>;
  /** createJob registers unknown target things instead of failing with ResourceNotFoundException. @defaultValue false */
  autoCreateThings?: boolean;
  /**
   * Access control on aedes brokers ({@link JobsSimulator.attach}), like an
   * AWS IoT policy. `thing-policy`: every client must be a known thing,
   * identified by its TLS client certificate (attached with
   * {@link JobsSimulator.attachThingPrincipal}) or, on the in-process broker,
   * by its client id; it may publish only to its own Jobs request topics and
   * subscribe to and receive only its own reply and notify topics (a refused
   * subscribe gets SUBACK 0x80, a refused publish closes the connection). An
   * external broker enforces its own ACL.
   * @defaultValue 'open'
   */
  accessControl?: AccessControl;
  /**
   * Flow control of notifications towards a broker: at most `window`
   * notifications handed to the broker and not yet written to every
   * subscriber's socket (a slow subscriber makes the rest wait in the
   * simulator as strings, not in the broker as packets), and at most `chunk`
   * handed over per turn of the event loop.
   * @defaultValue {@link DEFAULT_DELIVERY_LIMITS} (`{ window: 64, chunk: 256 }`)
   */
  notificationDelivery?: Partial<DeliveryLimits>;
  /**
   * AWS IoT Core's subscription quotas on in-process brokers
   * ({@link JobsSimulator.attach}): at most 50 subscriptions per connection
   * (adjustable on AWS; past it a filter gets SUBACK 0x80) and 8 topic filters
   * per SUBSCRIBE (fixed; past it the connection is closed). Give other
   * numbers to match a raised quota, or `false` to behave like a broker
   * without these limits. An external broker enforces its own.
   * @defaultValue AWS's defaults, 50 and 8
   */
  subscriptionQuotas?: SubscriptionQuotas | false;
}

/** Undoes an attachment. */
export type Detach = () => Promise<void>;

/** Options of {@link JobsSimulator.attachToBroker}: async-mqtt / mqtt.js 4 client options. */
export type ExternalBrokerOptions = IClientOptions;

/** Handler of a simulator event. */
export type SimulatorEventHandler<K extends keyof SimulatorEvents> = (event: SimulatorEvents[K]) => void;

/**
 * An AWS IoT Jobs service in process (docs/protocol.md §3 to docs/protocol.md §8, docs/protocol.md §11).
 *
 * Control-plane methods take and return AWS's shapes with fractional epoch
 * seconds and throw {@link SimulatorError}. Device operations take the parsed
 * request and return a {@link DeviceResult} with integer epoch seconds.
 */
export class JobsSimulator {
  /** The simulator's clock. */
  readonly clock: SimulatorClock;
  /** The docs/protocol.md §14 switches in force. */
  readonly behavior: Readonly<SimulatorBehavior>;
  /** The simulated region. */
  readonly region: string;
  /** The simulated account id. */
  readonly accountId: string;
  /** Fault injection. */
  readonly faults: SimulatorFaults;
  /** The AWS IoT Commands service of the same account (docs/commands.md), served on the same brokers. */
  readonly commands: CommandsSimulator;

  private readonly autoCreateThings: boolean;
  private readonly accessControl: AccessControl;
  private readonly delivery: DeliveryLimits;
  private readonly subscriptionQuotas: SubscriptionQuotas | false;
  private readonly events: Emitter<SimulatorEvents>;
  private readonly core: SimulatorCore;
  private readonly aedesAttachments = new Set<AedesAttachment>();
  private readonly detachers = new Set<Detach>();
  private readonly principals: ThingPrincipals;
  private closed = false;

  /** @param options - clock, region, account, behavior switches. */
  constructor(options: JobsSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.behavior = Object.freeze(mergeBehavior(options.behavior ?? {}));
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.autoCreateThings = options.autoCreateThings ?? false;
    this.accessControl = options.accessControl ?? 'open';
    this.delivery = readDeliveryLimits(options.notificationDelivery ?? {});
    this.subscriptionQuotas = options.subscriptionQuotas ?? {};
    this.events = createEmitter();
    this.core = new SimulatorCore(this.clock, this.behavior, this.events, this.region, this.accountId);
    const core = this.core;
    core.endHooks.push(
      (execution, nowMs) => retryIfAllowed(core, execution, nowMs),
      (execution, nowMs) => abortIfCriteriaMet(core, execution, nowMs),
    );
    this.principals = new ThingPrincipals((thingName) => this.core.store.things.has(thingName));
    this.commands = new CommandsSimulator({
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      thingExists: (thingName) => this.autoCreateThings || this.core.store.things.has(thingName),
    });
    this.faults = new SimulatorFaults((clientId) => {
      let found = false;
      for (const attachment of this.aedesAttachments) found = attachment.disconnect(clientId) || found;
      return found;
    });
  }

  /** The current time as the device planes state it: integer epoch seconds. */
  nowSeconds(): number {
    return toDeviceSeconds(this.clock.now());
  }

  // ------------------------------------------------------------ control plane

  /** CreateThing. Idempotent for the same configuration. @throws {@link SimulatorError} */
  createThing(request: CreateThingRequest): CreateThingResponse {
    return createThing(this.core, request);
  }

  /** DescribeThing. @throws {@link SimulatorError} ResourceNotFoundException */
  describeThing(request: { thingName: string }): DescribeThingResponse {
    return describeThing(this.core, request);
  }

  /** DeleteThing; its pending executions become REMOVED. Succeeds for an unknown thing. @throws {@link SimulatorError} */
  deleteThing(request: { thingName: string }): Record<string, never> {
    const result = deleteThing(this.core, request);
    if (!this.core.store.things.has(request.thingName)) this.principals.forget(request.thingName);
    return result;
  }

  /**
   * AttachThingPrincipal: under `accessControl: 'thing-policy'`, a TLS client
   * presenting this certificate may connect with the thing's name as client id.
   * @param request - `principal` is a certificate ARN, see {@link JobsSimulator.certificateArn}.
   * @throws {@link SimulatorError} ResourceNotFoundException for an unknown thing.
   */
  attachThingPrincipal(request: { thingName: string; principal: string }): Record<string, never> {
    this.principals.attach(request.thingName, request.principal);
    return {};
  }

  /** DetachThingPrincipal. @throws {@link SimulatorError} ResourceNotFoundException for an unknown thing. */
  detachThingPrincipal(request: { thingName: string; principal: string }): Record<string, never> {
    this.principals.detach(request.thingName, request.principal);
    return {};
  }

  /** ListThingPrincipals. @throws {@link SimulatorError} ResourceNotFoundException for an unknown thing. */
  listThingPrincipals(request: { thingName: string }): {
    /** The principals (certificate ARNs) attached to the thing. */
    principals: string[];
  } {
    return { principals: this.principals.list(request.thingName) };
  }

  /**
   * The ARN AWS IoT gives a certificate in this account:
   * `arn:aws:iot:<region>:<account>:cert/<SHA-256 of its DER bytes>`.
   * @param certificate - PEM text or DER bytes.
   * @throws Error when the PEM does not hold a certificate.
   */
  certificateArn(certificate: string | Uint8Array): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:cert/${certificateId(certificate)}`;
  }

  /**
   * CreateJob: targets are thing names or thing ARNs; `document` is JSON text
   * holding an object. Queues one execution per thing and notifies.
   * @throws {@link SimulatorError} InvalidRequestException, ResourceNotFoundException (unknown thing), ResourceAlreadyExistsException
   */
  createJob(request: CreateJobRequest): JobIdentity {
    return createJob(this.core, request, this.autoCreateThings);
  }

  /**
   * Stores an object in the simulator's S3 stand-in, for `documentSource`
   * and for the files presigned-URL placeholders point at. Buckets need no
   * creation. The standalone server also takes S3 PUTs on its HTTP port.
   */
  putObject(bucket: string, key: string, body: Buffer | string, contentType?: string): {
    /** The quoted MD5 of the body. */
    etag: string;
  } {
    if (typeof bucket !== 'string' || !/^[a-z0-9.-]{3,63}$/.test(bucket)) throw new SimulatorError('InvalidRequestException', 'bucket must be 3-63 characters of [a-z0-9.-].');
    if (typeof key !== 'string' || key.length < 1 || key.length > 1024) throw new SimulatorError('InvalidRequestException', 'key must be 1-1024 characters.');
    return { etag: this.core.objects.put(bucket, key, body, contentType).etag };
  }

  /** Removes an object of the S3 stand-in; true if it existed. */
  deleteObject(bucket: string, key: string): boolean {
    return this.core.objects.delete(bucket, key);
  }

  /** An object of the S3 stand-in, or undefined. */
  getObject(bucket: string, key: string): StoredObject | undefined {
    return this.core.objects.get(bucket, key);
  }

  /**
   * What a presigned URL from a job document resolves to now, as the
   * standalone server's HTTP port would answer it: the object, or why not
   * (`AccessDenied` for a tampered or expired URL, `NoSuchKey`).
   */
  resolvePresignedUrl(url: string): Resolved {
    return this.core.presigned.resolve(url);
  }

  /**
   * Where presigned URLs point: the standalone server sets its HTTP URL here.
   * Until then they point at `https://objects.simulator.invalid`, which only
   * {@link JobsSimulator.resolvePresignedUrl} resolves.
   */
  get objectsBaseUrl(): string {
    return this.core.presigned.baseUrl;
  }

  /** Sets where presigned URLs point (e.g. `http://127.0.0.1:8080`); a trailing slash is dropped. */
  set objectsBaseUrl(url: string) {
    this.core.presigned.baseUrl = url.replace(/\/+$/, '');
  }

  /** CreateJobTemplate (custom templates): document or documentSource or jobArn, and job options. @throws {@link SimulatorError} */
  createJobTemplate(request: CreateJobTemplateRequest): {
    /** The template's ARN, for CreateJob's `jobTemplateArn`. */
    jobTemplateArn: string;
    /** The template's id. */
    jobTemplateId: string;
  } {
    return createJobTemplate(this.core, request, (members) => checkJobMembers(this.core, members));
  }

  /** DescribeJobTemplate. @throws {@link SimulatorError} ResourceNotFoundException */
  describeJobTemplate(request: { jobTemplateId: string }): DescribeJobTemplateResponse {
    return describeJobTemplate(this.core, request);
  }

  /** ListJobTemplates, oldest first, paged. @throws {@link SimulatorError} */
  listJobTemplates(
    request: {
      /** Page size, 1-250. */
      maxResults?: number;
      /** The `nextToken` of the previous page. */
      nextToken?: string;
    } = {},
  ): ListJobTemplatesResponse {
    return listJobTemplates(this.core, request);
  }

  /** DeleteJobTemplate (jobs created from it keep their document). @throws {@link SimulatorError} ResourceNotFoundException */
  deleteJobTemplate(request: { jobTemplateId: string }): Record<string, never> {
    return deleteJobTemplate(this.core, request);
  }

  /** CreateThingGroup (static groups; `parentGroupName` nests, at most 7 levels). @throws {@link SimulatorError} */
  createThingGroup(request: CreateThingGroupRequest): CreateThingGroupResponse {
    return createThingGroup(this.core, request);
  }

  /** DescribeThingGroup. @throws {@link SimulatorError} ResourceNotFoundException */
  describeThingGroup(request: { thingGroupName: string }): DescribeThingGroupResponse {
    return describeThingGroup(this.core, request);
  }

  /** DeleteThingGroup: succeeds for an unknown group; refuses a group with child groups. @throws {@link SimulatorError} */
  deleteThingGroup(request: { thingGroupName: string; expectedVersion?: number }): Record<string, never> {
    return deleteThingGroup(this.core, request);
  }

  /** AddThingToThingGroup: CONTINUOUS jobs targeting the group (or an ancestor) queue an execution for the thing. @throws {@link SimulatorError} */
  addThingToThingGroup(request: ThingGroupMembershipRequest): Record<string, never> {
    return addThingToThingGroup(this.core, request);
  }

  /** RemoveThingFromThingGroup: a QUEUED execution of a CONTINUOUS job the thing no longer belongs to becomes REMOVED. @throws {@link SimulatorError} */
  removeThingFromThingGroup(request: ThingGroupMembershipRequest): Record<string, never> {
    return removeThingFromThingGroup(this.core, request);
  }

  /** ListThingsInThingGroup (`recursive` includes child groups). @throws {@link SimulatorError} */
  listThingsInThingGroup(request: ListThingsInThingGroupRequest): ListThingsInThingGroupResponse {
    return listThingsInThingGroup(this.core, request);
  }

  /** AssociateTargetsWithJob: adds targets to a CONTINUOUS job in progress. @throws {@link SimulatorError} */
  associateTargetsWithJob(request: AssociateTargetsWithJobRequest): JobIdentity {
    return associateTargetsWithJob(this.core, request);
  }

  /**
   * UpdateJob: description, timeoutConfig, presignedUrlConfig,
   * jobExecutionsRetryConfig, abortConfig (rollout and namespace are refused).
   * @throws {@link SimulatorError} InvalidRequestException, ResourceNotFoundException
   */
  updateJob(request: UpdateJobRequest): void {
    updateJob(this.core, request);
  }

  /** DescribeJob (status, jobProcessDetails counters, times in fractional seconds). @throws {@link SimulatorError} */
  describeJob(request: { jobId: string }): DescribeJobResponse {
    return describeJob(this.core, request);
  }

  /** ListJobs, oldest first; filters and paging as AWS. @throws {@link SimulatorError} */
  listJobs(request: ListJobsRequest = {}): ListJobsResponse {
    return listJobs(this.core, request);
  }

  /** CancelJob (`force` also cancels IN_PROGRESS executions). @throws {@link SimulatorError} */
  cancelJob(request: CancelJobRequest): JobIdentity {
    return cancelJob(this.core, request);
  }

  /**
   * DeleteJob. The job is DELETION_IN_PROGRESS at once (its executions leave
   * the devices' view, with notifications) and disappears after
   * `behavior.deletionDelayMs` (default 0) on the simulator clock: with real
   * timers on the next macrotask, with jest fake timers on the next
   * `jest.advanceTimersByTime(0)` or later.
   * @throws {@link SimulatorError} InvalidStateTransitionException without `force` on an IN_PROGRESS job
   */
  deleteJob(request: DeleteJobRequest): void {
    deleteJob(this.core, request);
  }

  /** GetJobDocument: the document text as given. @throws {@link SimulatorError} */
  getJobDocument(request: { jobId: string }): {
    /** The job document's JSON text, as CreateJob received it. */
    document: string;
  } {
    return getJobDocument(this.core, request);
  }

  /** DescribeJobExecution (control plane: `statusDetails.detailsMap`, `thingArn`, no document). @throws {@link SimulatorError} */
  describeJobExecution(request: DescribeJobExecutionRequest): {
    /** The execution, in the control plane's shape. */
    execution: ControlJobExecution;
  } {
    return describeJobExecution(this.core, request);
  }

  /** ListJobExecutionsForThing. @throws {@link SimulatorError} */
  listJobExecutionsForThing(request: ListJobExecutionsForThingRequest): ListJobExecutionsForThingResponse {
    return listJobExecutionsForThing(this.core, request);
  }

  /** ListJobExecutionsForJob. @throws {@link SimulatorError} */
  listJobExecutionsForJob(request: ListJobExecutionsForJobRequest): ListJobExecutionsForJobResponse {
    return listJobExecutionsForJob(this.core, request);
  }

  /** CancelJobExecution (`force` for IN_PROGRESS; `expectedVersion` → VersionConflictException). @throws {@link SimulatorError} */
  cancelJobExecution(request: CancelJobExecutionRequest): void {
    cancelJobExecution(this.core, request);
  }

  // ------------------------------------------------------------ device planes

  /** GetPendingJobExecutions for `thingName`. */
  getPendingJobExecutions(thingName: string, request: unknown = {}): DeviceResult<GetPendingReply> {
    return this.injected(thingName, 'getPending') ?? getPending(this.core, thingName, request);
  }

  /** StartNextPendingJobExecution for `thingName`. */
  startNextPendingJobExecution(thingName: string, request: unknown = {}, options: DeviceCallOptions = {}): DeviceResult<ExecutionReply> {
    return this.injected(thingName, 'startNext') ?? startNext(this.core, thingName, request, options.protocol);
  }

  /** DescribeJobExecution for `thingName`; `jobId` may be `$next`. */
  describeJobExecutionForDevice(thingName: string, jobId: string, request: unknown = {}, options: DeviceCallOptions = {}): DeviceResult<ExecutionReply> {
    return this.injected(thingName, 'describe') ?? describe(this.core, thingName, jobId, request, options.protocol);
  }

  /** UpdateJobExecution for `thingName`. */
  updateJobExecution(thingName: string, jobId: string, request: unknown, options: DeviceCallOptions = {}): DeviceResult<UpdateReply> {
    return this.injected(thingName, 'update') ?? update(this.core, thingName, jobId, request, options.protocol);
  }

  // ------------------------------------------------------------ events

  /**
   * Listens to the notifications the simulator decides, per thing
   * (`notify` and `notify-next` payloads as published over MQTT).
   * @returns a function that removes the handler.
   */
  on<K extends keyof SimulatorEvents>(type: K, handler: SimulatorEventHandler<K>): () => void {
    this.events.on(type, handler);
    return () => this.events.off(type, handler);
  }

  /** Removes a handler added with {@link JobsSimulator.on}. */
  off<K extends keyof SimulatorEvents>(type: K, handler: SimulatorEventHandler<K>): void {
    this.events.off(type, handler);
  }

  // ------------------------------------------------------------ MQTT

  /**
   * Runs the simulator inside an in-process aedes broker (a {@link TestBroker}
   * or an Aedes). Replies go only to the requesting connection, subscribed or
   * not, as on AWS; notifications go through the broker to subscribers.
   * Other topics (and `$SYS`) pass untouched.
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a closed simulator rejects rather than throws
  async attach(broker: TestBroker | Aedes): Promise<Detach> {
    this.assertOpen();
    const aedes = 'aedes' in broker ? broker.aedes : broker;
    const attachment = attachToAedes(aedes, this.frontTarget());
    const detachCommands = this.commands.attachToAedes(aedes);
    const removePolicy =
      this.accessControl === 'thing-policy'
        ? installThingPolicy(aedes, {
            isThing: (thingName) => this.core.store.things.has(thingName),
            hasPrincipal: (thingName, principal) => this.principals.has(thingName, principal),
            certificatePrincipal: (der) => this.certificateArn(der),
          })
        : undefined;
    // Installed after the policy, so in front of it: a SUBSCRIBE is counted before any filter is judged.
    const removeQuotas = this.subscriptionQuotas === false ? undefined : installSubscriptionQuotas(aedes, this.subscriptionQuotas);
    this.aedesAttachments.add(attachment);
    const detach: Detach = () => {
      this.aedesAttachments.delete(attachment);
      this.detachers.delete(detach);
      removeQuotas?.();
      removePolicy?.();
      attachment.detach();
      detachCommands();
      return Promise.resolve();
    };
    this.detachers.add(detach);
    return detach;
  }

  /**
   * Attaches to an external broker (e.g. mosquitto) as an ordinary MQTT
   * client subscribed to `$aws/things/+/jobs/#`. Such a client cannot write
   * to one connection: replies are published on the reply topic, so every
   * subscriber of that topic sees them (AWS sends them to the requester
   * only), and a requester must subscribe to receive them.
   * `faults.disconnectClient` does not reach clients of an external broker.
   */
  async attachToBroker(url: string, options: ExternalBrokerOptions = {}): Promise<Detach> {
    this.assertOpen();
    const attachment = await attachExternal(url, options, this.frontTarget());
    let detachCommands: () => Promise<void>;
    try {
      detachCommands = await this.commands.attachToBroker(url, options.clientId === undefined ? options : { ...options, clientId: `${options.clientId}-commands` });
    } catch (error) {
      await attachment.detach();
      throw error;
    }
    const detach: Detach = async () => {
      this.detachers.delete(detach);
      await Promise.all([attachment.detach(), detachCommands()]);
    };
    this.detachers.add(detach);
    return detach;
  }

  /** Cancels every timer and detaches from every broker. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    this.core.cancelAllTimers();
    this.faults.clear();
    await this.commands.close();
    await Promise.all([...this.detachers].map((detach) => detach()));
  }

  private injected(thingName: string, operation: JobsOperation): { ok: false; error: { code: 'RequestThrottled' | 'InternalError'; message: string } } | undefined {
    const code = this.faults.takeRejection(thingName, operation);
    if (code === undefined) return undefined;
    return rejection(code, code === 'RequestThrottled' ? 'Rate exceeded.' : 'Internal error.') as { ok: false; error: { code: typeof code; message: string } };
  }

  private frontTarget(): FrontTarget {
    return {
      clock: this.clock,
      faults: this.faults,
      delivery: this.delivery,
      run: (thingName, operation, jobId, request) => {
        switch (operation) {
          case 'getPending':
            return this.getPendingJobExecutions(thingName, request);
          case 'startNext':
            return this.startNextPendingJobExecution(thingName, request);
          case 'describe':
            return this.describeJobExecutionForDevice(thingName, jobId ?? '', request);
          case 'update':
            return this.updateJobExecution(thingName, jobId ?? '', request);
        }
      },
      onNotifications: (sink) => this.core.notifier.addSink(sink),
      render: (kind, thingName) => (kind === 'notify' ? this.core.notifier.notifyPayload(thingName) : this.core.notifier.nextPayload(thingName)),
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new JobsError('The simulator is closed.');
  }
}

/** Switches whose `undefined` means "no limit"; for the others `undefined` means "the default". */
const NULLABLE_SWITCHES: ReadonlySet<string> = new Set(['maxStatusDetailsPairs', 'clientTokenMaxLength']);

function mergeBehavior(overrides: Partial<SimulatorBehavior>): SimulatorBehavior {
  const kept = Object.entries(overrides).filter(([key, value]) => value !== undefined || NULLABLE_SWITCHES.has(key));
  return { ...DEFAULT_BEHAVIOR, ...(Object.fromEntries(kept) as Partial<SimulatorBehavior>) };
}

function readDeliveryLimits(overrides: Partial<DeliveryLimits>): DeliveryLimits {
  const limits = { ...DEFAULT_DELIVERY_LIMITS, ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`notificationDelivery.${name}`, "a positive integer", value);
  }
  return limits;
}

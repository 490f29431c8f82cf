/**
 * The private side of `JobsClient`, for the layers built on it (`Jobs`, and
 * later the runner and Commands): notifications routed per thing, reconnects
 * and the end of the client, without going through the public `events`
 * emitter (so nothing a user does to it can deafen the library), and the
 * operations without their argument checks (the face checks each argument
 * once, at its own entry). Not exported from the package.
 * @packageDocumentation
 */

import type { JobsError } from '../errors.js';
import type { CallOptions } from './request-validation.js';
import type {
  DescribeJobExecutionAccepted,
  DescribeJobExecutionRequest,
  GetPendingJobExecutionsAccepted,
  GetPendingJobExecutionsRequest,
  JobExecutionsChangedNotification,
  NextJobExecutionChangedNotification,
  StartNextPendingJobExecutionAccepted,
  StartNextPendingJobExecutionRequest,
  UpdateJobExecutionAccepted,
  UpdateJobExecutionRequest,
} from '../protocol/shapes.js';

/** What one listener of a thing hears. Each method is called inside a try/catch. */
export interface ThingListener {
  /** JobExecutionsChanged of the thing. */
  notify(notification: JobExecutionsChangedNotification): void;
  /** NextJobExecutionChanged of the thing. */
  next(notification: NextJobExecutionChangedNotification): void;
  /** The connection came back and the subscriptions were renewed: re-read the state. */
  reconnect(sessionPresent: boolean): void;
  /** The client was closed, or the connection ended for good: nothing more will come. */
  ended(): void;
  /** A listener threw, or something failed outside any call. */
  error(error: JobsError): void;
}

/** A thing being listened to. */
export interface ThingTap {
  /**
   * Resolves the first time the thing's filters are granted (at once, or when
   * the connection comes up); rejects when the broker refuses them or the
   * client ends first. The tap keeps trying after a failure, on every reconnect.
   */
  readonly subscribed: Promise<void>;
  /** Stops listening and releases the thing's subscriptions. */
  stop(): Promise<void>;
}

/** The four operations, without argument checks (the caller checked them). */
export interface UncheckedOperations {
  /** GetPendingJobExecutions. */
  getPending(thingName: string, request: GetPendingJobExecutionsRequest, options: CallOptions): Promise<GetPendingJobExecutionsAccepted>;
  /** StartNextPendingJobExecution. */
  startNext(thingName: string, request: StartNextPendingJobExecutionRequest, options: CallOptions): Promise<StartNextPendingJobExecutionAccepted>;
  /** DescribeJobExecution. */
  describe(thingName: string, jobId: string, request: DescribeJobExecutionRequest, options: CallOptions): Promise<DescribeJobExecutionAccepted>;
  /** UpdateJobExecution. */
  update(thingName: string, jobId: string, request: UpdateJobExecutionRequest, options: CallOptions): Promise<UpdateJobExecutionAccepted>;
}

/** The private side of one client. */
export interface ClientInternals {
  /** Listens to `thingName` (a persistent watch) until `stop()`. */
  tap(thingName: string, listener: ThingListener): ThingTap;
  /** True while the connection is up. */
  online(): boolean;
  /** True once the client is closed or its connection ended for good. */
  ended(): boolean;
  /** The client's default call timeout. */
  readonly timeoutMs: number;
  /** The operations without argument checks. */
  readonly unchecked: UncheckedOperations;
}

const INTERNALS = new WeakMap<object, ClientInternals>();

/** Called once by each client's constructor. */
export function registerInternals(client: object, internals: ClientInternals): void {
  INTERNALS.set(client, internals);
}

/** The private side of `client`. @throws TypeError when `client` is not a JobsClient. */
export function internalsOf(client: object): ClientInternals {
  const internals = INTERNALS.get(client);
  if (internals === undefined) throw new TypeError('not a JobsClient');
  return internals;
}

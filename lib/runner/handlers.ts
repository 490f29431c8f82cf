/**
 * Handlers and how the runner picks one for a job: by `document.operation`,
 * by a function of the job, or, for a document written for the AWS IoT Device
 * Client (schema 1.0, `steps[].action.type: "runHandler"`), by each step's
 * `input.handler`. The runner never starts a process by itself: a handler
 * named `install.sh` is a function you registered under that name.
 * @packageDocumentation
 */

import type { Job } from '../job.js';
import type { JsonObject } from '../protocol/json.js';
import type { StatusDetails } from '../protocol/shapes.js';

/** One step of a Device Client job document, as a handler sees it. */
export interface DeviceClientStep {
  /** The step's `action.name`, when given. */
  readonly name: string | undefined;
  /** `action.input.handler`: the handler's name. */
  readonly handler: string;
  /** `action.input.args`. */
  readonly args: readonly string[];
  /** `action.input.path`, when given. */
  readonly path: string | undefined;
  /** True for the document's `finalStep`. */
  readonly final: boolean;
}

/** What a handler gets. */
export interface JobContext<Document extends JsonObject = JsonObject> {
  /** The execution, with its `jobId`, `version`, `status`, `statusDetails`. */
  readonly job: Job;
  /** The job document. */
  readonly document: Document;
  /**
   * Aborts when the service shows the execution ended (the reason is an
   * {@link ExecutionEndedError}) or the runner stops ({@link RunnerStoppedError}).
   * The runner reports nothing for the execution after that.
   */
  readonly signal: AbortSignal;
  /** True when the execution was already IN_PROGRESS when this runner took it (e.g. after a reboot): the handler decides whether it can continue. */
  readonly resumed: boolean;
  /** The step being run, for a Device Client document; `undefined` otherwise. */
  readonly step: DeviceClientStep | undefined;
  /** Reports progress: IN_PROGRESS with these details, coalesced to one update per `progressIntervalMs`, the last one always sent. Counts as a sign of life. */
  readonly progress: (statusDetails: StatusDetails) => void;
  /** A sign of life without progress to report (see `livenessMs`). */
  readonly alive: () => void;
  /** Ends the execution REJECTED with `{ reason }` (or these details). Throws; do not catch it. */
  readonly reject: (reason: string | StatusDetails) => never;
}

/**
 * Runs one job. Returns the status details of SUCCEEDED (or nothing);
 * throws to end it FAILED with the error's message in `statusDetails.reason`;
 * calls `ctx.reject()` to end it REJECTED.
 */
export type JobHandler<Document extends JsonObject = JsonObject> = (
  context: JobContext<Document>,
) => Promise<StatusDetails | void> | StatusDetails | void;

/** Handlers by name: the document's `operation`, or a Device Client step's `input.handler`. */
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** Handlers by name, or a function that picks one for a job (`undefined`: no handler). */
export type HandlerChoice = JobHandlers | ((job: Job) => JobHandler | undefined);

/** One handler to run, in order. */
export interface PlannedStep {
  /** The handler's name, for messages. */
  readonly name: string;
  /** The handler. */
  readonly handler: JobHandler;
  /** The Device Client step, if any. */
  readonly step: DeviceClientStep | undefined;
}

/** What the runner runs for a job: steps, or the name of a handler that is missing. */
export type Plan = { readonly steps: readonly PlannedStep[] } | { readonly missing: string };

/** Picks the handlers for a job. */
export function planFor(job: Job, document: JsonObject, choice: HandlerChoice): Plan {
  if (typeof choice === 'function') {
    const handler = choice(job);
    return handler === undefined ? { missing: `job ${job.jobId}` } : { steps: [{ name: job.jobId, handler, step: undefined }] };
  }
  const deviceClientSteps = deviceClientStepsOf(document);
  if (deviceClientSteps !== undefined) {
    const steps: PlannedStep[] = [];
    for (const step of deviceClientSteps) {
      const handler = own(choice, step.handler);
      if (handler === undefined) return { missing: `handler "${step.handler}"` };
      steps.push({ name: step.handler, handler, step });
    }
    return { steps };
  }
  const operation = typeof document.operation === 'string' ? document.operation : undefined;
  const handler = operation === undefined ? undefined : own(choice, operation);
  if (operation === undefined) return { missing: 'operation (the document has no "operation")' };
  if (handler === undefined) return { missing: `operation "${operation}"` };
  return { steps: [{ name: operation, handler, step: undefined }] };
}

function own(handlers: JobHandlers, name: string): JobHandler | undefined {
  return Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined;
}

/**
 * The steps of a Device Client job document (schema `version: "1.0"`, every
 * step a `runHandler` action), then its `finalStep`; `undefined` for any
 * other document.
 */
export function deviceClientStepsOf(document: JsonObject): DeviceClientStep[] | undefined {
  if (!Array.isArray(document.steps)) return undefined;
  const steps: DeviceClientStep[] = [];
  for (const raw of document.steps) {
    const step = stepOf(raw, false);
    if (step === undefined) return undefined;
    steps.push(step);
  }
  if (document.finalStep !== undefined) {
    const final = stepOf(document.finalStep, true);
    if (final === undefined) return undefined;
    steps.push(final);
  }
  return steps;
}

function stepOf(raw: unknown, final: boolean): DeviceClientStep | undefined {
  const action = objectAt(objectAt(raw)?.action);
  const input = objectAt(action?.input);
  if (action?.type !== 'runHandler' || typeof input?.handler !== 'string' || input.handler === '') return undefined;
  const args = Array.isArray(input.args) ? input.args.filter((arg): arg is string => typeof arg === 'string') : [];
  return {
    name: typeof action.name === 'string' ? action.name : undefined,
    handler: input.handler,
    args,
    path: typeof input.path === 'string' ? input.path : undefined,
    final,
  };
}

function objectAt(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Switches for the points the protocol leaves ambiguous (docs/protocol.md §13). Each
 * default is the one docs/protocol.md §14 recommends.
 * @packageDocumentation
 */

/** How the simulator settles the ambiguous points of docs/protocol.md §13. */
export interface SimulatorBehavior {
  /** Put `thingName` in MQTT `execution` objects (docs/protocol.md §13.2). @defaultValue false */
  includeThingNameInExecution: boolean;
  /** statusDetails given on update: `replace` the whole map, or `merge` into it (docs/protocol.md §13.3). @defaultValue 'replace' */
  statusDetailsUpdate: 'replace' | 'merge';
  /** Most statusDetails pairs a device may send; `undefined` for no limit (docs/protocol.md §13.4). @defaultValue undefined */
  maxStatusDetailsPairs: number | undefined;
  /** Let a device move QUEUED straight to SUCCEEDED or FAILED (docs/protocol.md §13.5); if false, InvalidStateTransition. @defaultValue true */
  allowQueuedToTerminal: boolean;
  /** Describe of a terminal execution: `return` it, or reject with `TerminalStateReached` (docs/protocol.md §13.7). @defaultValue 'return' */
  describeTerminal: 'return' | 'TerminalStateReached';
  /**
   * VersionMismatch over the HTTP data plane (docs/protocol.md §13.8): 400 `InvalidRequestException`,
   * or 409 `InvalidStateTransitionException`. Read by the HTTP front.
   * @defaultValue 'InvalidRequestException'
   */
  httpVersionMismatch: 'InvalidRequestException' | 'InvalidStateTransitionException';
  /** Service-side transitions (CANCELED, TIMED_OUT, REMOVED) bump versionNumber (docs/protocol.md §13.11). @defaultValue false */
  serviceTransitionsBumpVersion: boolean;
  /** Longest clientToken accepted; longer gets InvalidRequest; `undefined` for no limit (docs/protocol.md §13.16). @defaultValue 64 */
  clientTokenMaxLength: number | undefined;
  /** start-next on an IN_PROGRESS head applies `stepTimeoutInMinutes` (docs/protocol.md §13.14). @defaultValue false */
  startNextStepTimerOnInProgress: boolean;
  /** Most pending executions listed by GetPending and `notify` (docs/protocol.md §9: 10). @defaultValue 10 */
  maxPendingListed: number;
  /** Milliseconds (simulator clock) a deleted job stays DELETION_IN_PROGRESS. @defaultValue 0 */
  deletionDelayMs: number;
}

/** The docs/protocol.md §14 defaults. */
export const DEFAULT_BEHAVIOR: Readonly<SimulatorBehavior> = Object.freeze({
  includeThingNameInExecution: false,
  statusDetailsUpdate: 'replace',
  maxStatusDetailsPairs: undefined,
  allowQueuedToTerminal: true,
  describeTerminal: 'return',
  httpVersionMismatch: 'InvalidRequestException',
  serviceTransitionsBumpVersion: false,
  clientTokenMaxLength: 64,
  startNextStepTimerOnInProgress: false,
  maxPendingListed: 10,
  deletionDelayMs: 0,
});

/**
 * An operation in flight that settles exactly once, however it ends: the
 * first outcome wins, later ones are ignored and reported as `false`.
 * @packageDocumentation
 */

/** How an operation ended. */
export type Outcome = 'accepted' | 'rejected' | 'malformed' | 'timed-out' | 'aborted' | 'closed' | 'failed';

/** A promise with its settle functions and the outcome that settled it. */
export class Deferred<T> {
  /** Settles once, with the first outcome. */
  readonly promise: Promise<T>;
  /** What the operation is, for error messages, e.g. `getPendingJobExecutions(thing-1)`. */
  readonly name: string;
  private resolvePromise!: (value: T) => void;
  private rejectPromise!: (error: Error) => void;
  private ended: Outcome | undefined;
  private readonly onSettle: ((outcome: Outcome) => void) | undefined;

  /** @param name - what the operation is. @param onSettle - called once, synchronously, when it settles. */
  constructor(name: string, onSettle?: (outcome: Outcome) => void) {
    this.name = name;
    this.onSettle = onSettle;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
  }

  /** The outcome, once settled. */
  get outcome(): Outcome | undefined {
    return this.ended;
  }

  /** True once settled. */
  get settled(): boolean {
    return this.ended !== undefined;
  }

  /** Resolves, unless already settled. @returns whether this call settled it. */
  resolve(value: T, outcome: Outcome = 'accepted'): boolean {
    if (this.ended !== undefined) return false;
    this.ended = outcome;
    this.onSettle?.(outcome);
    this.resolvePromise(value);
    return true;
  }

  /** Rejects, unless already settled. @returns whether this call settled it. */
  fail(error: Error, outcome: Outcome): boolean {
    if (this.ended !== undefined) return false;
    this.ended = outcome;
    this.onSettle?.(outcome);
    this.rejectPromise(error);
    return true;
  }
}

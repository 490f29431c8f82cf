/**
 * When `aws-iot-jobs-sim` stops: on SIGINT, SIGTERM or SIGHUP, and, when npm
 * started it (`npx`, `npm exec`, `npm run`), also when npm goes away. npm runs
 * a bin through `sh -c`, and a SIGTERM sent to npm reaches that shell but not
 * the node process under it, which was then left holding its ports.
 * @packageDocumentation
 */

/** Why the CLI stops: a signal's name, or `parent exited`. */
export type StopReason = NodeJS.Signals | 'parent exited';

/** Options of {@link waitForStop}. */
export interface StopOptions {
  /** Stop when the parent process ends (this process is re-parented). @defaultValue true when npm started this process */
  watchParent?: boolean;
  /** How often the parent is checked. @defaultValue 500 */
  parentPollMs?: number;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The parent when this module loaded, as early as the CLI can look. */
const firstParent = process.ppid;

/**
 * True once the process that started this one is gone: this process was
 * re-parented, or (npm's shell is never init) its parent is init already.
 */
function orphaned(): boolean {
  return process.ppid !== firstParent || process.ppid === 1;
}

/** True when npm (npx, npm exec, npm run) started this process. */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/**
 * Resolves with the first reason to stop. A second signal after that ends the
 * process at once (exit code 128 + signal number).
 */
export function waitForStop(options: StopOptions = {}): Promise<StopReason> {
  const watchParent = options.watchParent ?? startedByNpm();
  return new Promise((resolve) => {
    const stop = (reason: StopReason): void => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      clearInterval(poll);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(reason);
    };
    const onSignal = (signal: NodeJS.Signals): void => stop(signal);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    const poll = setInterval(() => {
      if (orphaned()) stop('parent exited');
    }, options.parentPollMs ?? 500);
    poll.unref();
    if (!watchParent) clearInterval(poll);
    else if (orphaned()) stop('parent exited');
  });
}

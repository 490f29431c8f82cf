/**
 * The Commands device the README teaches: take each command execution, check
 * the request, report progress and the outcome with a result. The part
 * between the README markers appears verbatim in README.md (a test checks).
 */

// --- README commands start
import type { CommandExecution, Commands } from '../lib/index.js';

// const commands = new Commands(new Thing('valve-7', connection), { executionTimeoutMs: 10_000 });
// await commands.ready; // subscribed to its JSON, CBOR and generic request topics
/** Answers the device's commands; returns after `limit` of them (a real device keeps going). */
export async function serveCommands(commands: Commands, log: (line: string) => void, limit = Number.POSITIVE_INFINITY): Promise<void> {
  let served = 0;
  for await (const execution of commands) {
    await handle(execution, log);
    if (++served >= limit) return;
  }
}

async function handle(execution: CommandExecution, log: (line: string) => void): Promise<void> {
  const request = execution.format === 'generic' ? { action: execution.payload.toString() } : execution.decoded<{ action?: string; valve?: string }>();
  log(`command ${execution.executionId}: ${JSON.stringify(request)}`);
  if (request.action !== 'open' && request.action !== 'close') {
    await execution.reply('REJECTED', { statusReason: { reasonCode: 'UNKNOWN_ACTION', reasonDescription: String(request.action) } });
    return;
  }
  await execution.reply('IN_PROGRESS');
  if (execution.signal.aborted) return; // timed out, or the Commands was closed: stop working
  const valve = 'valve' in request && request.valve !== undefined ? request.valve : 'main';
  await execution.reply('SUCCEEDED', { result: { valve: { s: valve }, open: { b: request.action === 'open' } } });
  log(`command ${execution.executionId}: ${request.action} ${valve} done`);
}
// --- README commands end

import type { Clock } from '../../engine/clock.js';
import type { Logger } from '../../engine/logger.js';
import type { CallInfo } from '../api.js';
import type { AgentTool } from './defineTool.js';

/** A user tool ran past its time. */
export class ToolTimeoutError extends Error {
  override readonly name = 'ToolTimeoutError';
  constructor(tool: string, timeoutMs: number) {
    super(`the tool ${tool} did not answer within ${timeoutMs} ms`);
  }
}

/** What a user tool runs with. */
export interface UserToolRun {
  readonly call: CallInfo;
  readonly log: Logger;
  readonly clock: Clock;
  /** Aborted by the caller when the call ends; aborted here once the tool has answered or timed out. */
  readonly abort: AbortController;
}

/**
 * Runs a tool of the user's with its checked arguments and returns the result for the model as JSON.
 * A tool that throws, rejects or outlasts its `timeoutMs` yields an error result instead, and is logged.
 */
export async function runUserTool(tool: AgentTool, args: unknown, run: UserToolRun): Promise<string> {
  let timer: unknown;
  const timedOut = new Promise<never>((_, reject) => {
    timer = run.clock.setTimeout(() => reject(new ToolTimeoutError(tool.name, tool.timeoutMs)), tool.timeoutMs);
  });
  try {
    const value: unknown = await Promise.race([Promise.resolve().then(() => tool.handler(args, { call: run.call, log: run.log, signal: run.abort.signal })), timedOut]);
    return JSON.stringify(value ?? null) ?? 'null';
  } catch (error) {
    run.log.warn({ tool: tool.name, err: error }, 'ai tool failed; the model is told');
    return JSON.stringify({ error: error instanceof ToolTimeoutError ? error.message : `the tool failed: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    run.clock.clearTimeout(timer);
    run.abort.abort();
  }
}

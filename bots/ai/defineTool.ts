import { z } from 'zod';
import type { CallInfo } from '../api.js';
import type { Logger } from '../../engine/logger.js';

/** What a tool's handler gets besides its arguments. */
export interface ToolCallContext {
  /** The call the model is on. */
  readonly call: CallInfo;
  /** A logger bound to the call. */
  readonly log: Logger;
  /** Aborted when the tool runs past its time or the call ends. */
  readonly signal: AbortSignal;
}

/** A function the model may call on an AI agent, with its arguments checked against a zod schema. */
export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly parameters: Schema;
  /** Longest the handler may take before the model gets an error result instead. */
  readonly timeoutMs: number;
  /** Does the work; what it returns goes back to the model as JSON. */
  readonly handler: (args: z.infer<Schema>, context: ToolCallContext) => unknown;
}

/** Default {@link AgentTool.timeoutMs}. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A global symbol, so a tool made by another copy of callwire (a user's module loaded on its own) is still known. */
const AGENT_TOOL = Symbol.for('callwire.agentTool');

/**
 * Defines a tool for an AI agent: export it from the module the agent's `toolsModule` names, or put
 * it in the agent's `tools` in a TypeScript config.
 *
 * @example
 * export const orderStatus = defineTool({
 *   name: 'order_status',
 *   description: 'Looks up where an order is.',
 *   parameters: z.object({ orderId: z.string() }),
 *   handler: async ({ orderId }) => ({ status: await lookUp(orderId) }),
 * });
 */
export function defineTool<Schema extends z.ZodType>(definition: Omit<AgentTool<Schema>, 'timeoutMs'> & { readonly timeoutMs?: number }): AgentTool<Schema> {
  if (!TOOL_NAME.test(definition.name)) throw new TypeError(`tool name ${JSON.stringify(definition.name)} must be 1 to 64 letters, digits, _ or -`);
  return Object.defineProperty({ ...definition, timeoutMs: definition.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS }, AGENT_TOOL, { value: true });
}

/** True for a value made by {@link defineTool}. */
export function isAgentTool(value: unknown): value is AgentTool {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AGENT_TOOL] === true;
}

/** The tool's arguments as JSON Schema, for the provider. */
export function toolParametersSchema(tool: AgentTool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.parameters) as Record<string, unknown>;
  return schema;
}

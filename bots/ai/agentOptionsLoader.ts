import { resolve } from 'node:path';
import type { OptionsLoadContext } from '../botOptions.js';
import { withResolvedFallbackPrompt } from '../fallback/fallbackOption.js';
import { defaultBuiltInTools } from './agentOptions.js';
import { isAgentTool, type AgentTool } from './defineTool.js';

/** Tools exported by a module: its named exports, or the members of its default export. */
function exportedTools(module: unknown): AgentTool[] {
  const namespace = (module ?? {}) as Record<string, unknown>;
  const values = Object.values(namespace);
  const fallback = namespace['default'];
  if (typeof fallback === 'object' && fallback !== null && !isAgentTool(fallback)) values.push(...Object.values(fallback));
  return [...new Set(values.filter(isAgentTool))];
}

/**
 * Loads what an AI agent's options name, when the configuration loads: the tools of `toolsModule`
 * (resolved against the configuration file's folder) join `tools`, and a relative `fallback.prompt`
 * is resolved the same way.
 */
export async function loadAgentOptions(raw: Readonly<Record<string, unknown>>, context: OptionsLoadContext): Promise<Readonly<Record<string, unknown>>> {
  const { toolsModule, ...rest } = raw;
  const loaded: Record<string, unknown> = { ...withResolvedFallbackPrompt(rest, (path) => resolve(context.baseDir, path)) };
  if (toolsModule === undefined) return loaded;
  if (typeof toolsModule !== 'string' || toolsModule === '') throw new TypeError('toolsModule must be the path of a module that exports tools made with defineTool');
  const path = resolve(context.baseDir, toolsModule);
  const tools = exportedTools(await context.importModule(path));
  if (tools.length === 0) throw new TypeError(`toolsModule ${path} exports no tools made with defineTool`);
  const listed = Array.isArray(raw['tools']) ? raw['tools'] : defaultBuiltInTools(parseTransferList(raw['transferTo']));
  loaded['tools'] = [...listed, ...tools];
  return loaded;
}

/** `transferTo` as a list, unchecked (parseAiAgentOptions checks it). */
function parseTransferList(value: unknown): readonly unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

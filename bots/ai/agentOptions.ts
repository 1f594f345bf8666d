import { parseFallback, TRANSFER_TARGET, type Fallback } from '../fallback/fallbackOption.js';
import type { TranscriptOptions } from './callTranscript.js';
import { isAgentTool, type AgentTool } from './defineTool.js';
import type { TurnDetection } from './speechToSpeech.js';

/** Tools callwire itself carries out for the model. */
export type BuiltInTool = 'end_call' | 'transfer_call' | 'send_dtmf';

const BUILT_IN_TOOLS: readonly BuiltInTool[] = ['end_call', 'transfer_call', 'send_dtmf'];

/** What the agent says first. */
export interface Greeting {
  /** What to say; the model speaks it as written. */
  readonly text: string;
  /** False: the caller cannot cut it off (their speech still reaches the model). Default true. */
  readonly interruptible: boolean;
}

/** Options of an AI agent (`openai-realtime`, `gemini-live`), parsed from the agent's `options`. */
export interface AiAgentOptions {
  readonly model: string | undefined;
  readonly voice: string | undefined;
  /** System instructions; `{{from}}`, `{{to}}` and `{{custom.NAME}}` are filled in per call. */
  readonly instructions: string;
  readonly temperature: number | undefined;
  readonly turnDetection: TurnDetection | undefined;
  readonly greeting: Greeting | undefined;
  readonly tools: readonly BuiltInTool[];
  /** Tools of the user's own (`defineTool`), from `toolsModule` or a TypeScript config's `tools`. */
  readonly userTools: readonly AgentTool[];
  /** Numbers and SIP URIs `transfer_call` may use; the model can name no other. */
  readonly transferTargets: readonly string[];
  readonly fallback: Fallback;
  /** Off unless set: `dir` writes JSON Lines, `onTurn`/`onEnd` (in a TypeScript config) get the turns. */
  readonly transcripts: TranscriptOptions | undefined;
}

/** Instructions used when an agent gives none. */
export const DEFAULT_INSTRUCTIONS = 'You are a helpful voice assistant on a phone call. Keep answers short and speak naturally.';

function fail(agentBot: string, message: string): never {
  throw new TypeError(`${agentBot}: ${message}`);
}

function optionalString(agentBot: string, raw: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(agentBot, `${key} must be a non-empty string`);
  return value;
}

function parseTurnDetection(agentBot: string, value: unknown): TurnDetection | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) fail(agentBot, 'turnDetection must be an object such as {"type": "server_vad"}');
  const turn = value as Record<string, unknown>;
  const number = (key: string, min: number, max: number): number | undefined => {
    const n = turn[key];
    if (n === undefined) return undefined;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) fail(agentBot, `turnDetection.${key} must be a number from ${min} to ${max}`);
    return n;
  };
  if (turn['type'] === 'server_vad') {
    return { type: 'server_vad', threshold: number('threshold', 0, 1), prefixPaddingMs: number('prefixPaddingMs', 0, 5000), silenceDurationMs: number('silenceDurationMs', 0, 10_000) };
  }
  if (turn['type'] === 'semantic_vad') {
    const eagerness = turn['eagerness'];
    if (eagerness !== undefined && eagerness !== 'low' && eagerness !== 'medium' && eagerness !== 'high' && eagerness !== 'auto') {
      fail(agentBot, 'turnDetection.eagerness must be low, medium, high or auto');
    }
    return { type: 'semantic_vad', eagerness };
  }
  return fail(agentBot, `turnDetection.type must be "server_vad" or "semantic_vad", got ${JSON.stringify(turn['type'])}`);
}

function parseGreeting(agentBot: string, value: unknown): Greeting | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return { text: value, interruptible: true };
  if (typeof value === 'object' && value !== null) {
    const { text, interruptible } = value as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '') fail(agentBot, 'greeting.text must be a non-empty string');
    if (interruptible !== undefined && typeof interruptible !== 'boolean') fail(agentBot, 'greeting.interruptible must be true or false');
    return { text, interruptible: interruptible ?? true };
  }
  return fail(agentBot, 'greeting must be a string or {"text": "…", "interruptible": false}');
}

function parseTransferTargets(agentBot: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) fail(agentBot, 'transferTo must be a number, a SIP URI or a list of them');
  for (const target of list) {
    if (typeof target !== 'string' || !TRANSFER_TARGET.test(target)) fail(agentBot, `transferTo: ${JSON.stringify(target)} is neither an E.164 number (+15551234567) nor a SIP URI`);
  }
  return list as string[];
}

function parseTranscripts(agentBot: string, value: unknown): TranscriptOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(agentBot, 'transcripts must be an object such as {"dir": "./transcripts"}');
  const { dir, onTurn, onEnd, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail(agentBot, `transcripts: unknown option "${unknown}"; known: dir, onTurn, onEnd`);
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) fail(agentBot, 'transcripts.dir must be a folder path');
  if (onTurn !== undefined && typeof onTurn !== 'function') fail(agentBot, 'transcripts.onTurn must be a function (set it in callwire.config.ts)');
  if (onEnd !== undefined && typeof onEnd !== 'function') fail(agentBot, 'transcripts.onEnd must be a function (set it in callwire.config.ts)');
  return { dir: dir as string | undefined, onTurn: onTurn as TranscriptOptions['onTurn'], onEnd: onEnd as TranscriptOptions['onEnd'] };
}

/** Built-in tools an agent gets when it lists none: `end_call`, and `transfer_call` once it has somewhere to transfer to. */
export function defaultBuiltInTools(transferTargets: readonly unknown[]): BuiltInTool[] {
  return transferTargets.length > 0 ? ['end_call', 'transfer_call'] : ['end_call'];
}

function parseTools(agentBot: string, value: unknown, transferTargets: readonly string[]): { builtIn: readonly BuiltInTool[]; user: readonly AgentTool[] } {
  if (value === undefined) return { builtIn: defaultBuiltInTools(transferTargets), user: [] };
  if (!Array.isArray(value)) fail(agentBot, `tools must be a list of ${BUILT_IN_TOOLS.join(', ')} or tools made with defineTool`);
  const builtIn: BuiltInTool[] = [];
  const user: AgentTool[] = [];
  const names = new Set<string>();
  for (const tool of value) {
    if (isAgentTool(tool)) user.push(tool);
    else if (BUILT_IN_TOOLS.includes(tool as BuiltInTool)) builtIn.push(tool as BuiltInTool);
    else fail(agentBot, `tools: unknown tool ${JSON.stringify(tool)}; known: ${BUILT_IN_TOOLS.join(', ')}, or tools made with defineTool`);
    const name = isAgentTool(tool) ? tool.name : String(tool);
    if (names.has(name)) fail(agentBot, `tools: two tools are named ${name}`);
    names.add(name);
  }
  if (builtIn.includes('transfer_call') && transferTargets.length === 0) fail(agentBot, 'tools: transfer_call needs transferTo, the numbers it may transfer to');
  return { builtIn, user };
}

/** Parses and checks an AI agent's options; throws a TypeError naming the bad one. */
export function parseAiAgentOptions(agentBot: string, raw: Readonly<Record<string, unknown>>): AiAgentOptions {
  const known = new Set(['model', 'voice', 'instructions', 'temperature', 'turnDetection', 'greeting', 'tools', 'transferTo', 'fallback', 'transcripts', 'toolsModule']);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(agentBot, `unknown option "${key}"; known: ${[...known].join(', ')}`);
  const temperature = raw['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0 || temperature > 2)) {
    fail(agentBot, 'temperature must be a number from 0 to 2');
  }
  if (raw['toolsModule'] !== undefined) fail(agentBot, 'toolsModule is loaded with the configuration file; give it in callwire.config.{json,ts}');
  const transferTargets = parseTransferTargets(agentBot, raw['transferTo']);
  const tools = parseTools(agentBot, raw['tools'], transferTargets);
  return {
    model: optionalString(agentBot, raw, 'model'),
    voice: optionalString(agentBot, raw, 'voice'),
    instructions: optionalString(agentBot, raw, 'instructions') ?? DEFAULT_INSTRUCTIONS,
    temperature: temperature as number | undefined,
    turnDetection: parseTurnDetection(agentBot, raw['turnDetection']),
    greeting: parseGreeting(agentBot, raw['greeting']),
    tools: tools.builtIn,
    userTools: tools.user,
    transferTargets,
    fallback: parseFallback(agentBot, raw['fallback']),
    transcripts: parseTranscripts(agentBot, raw['transcripts']),
  };
}

/** Fills `{{from}}`, `{{to}}` and `{{custom.NAME}}` from the call; unknown names become empty. */
export function renderInstructions(template: string, call: { readonly from: string; readonly to: string; readonly customParameters: Readonly<Record<string, string>> }): string {
  return template.replace(/\{\{\s*(from|to|custom\.([A-Za-z0-9_.-]+))\s*\}\}/g, (_match, name: string, custom: string | undefined) => {
    if (custom !== undefined) return Object.hasOwn(call.customParameters, custom) ? call.customParameters[custom]! : '';
    return name === 'from' ? call.from : call.to;
  });
}

import type { BuiltInTool } from './agentOptions.js';
import { toolParametersSchema, type AgentTool } from './defineTool.js';
import type { SpeechTool } from './speechToSpeech.js';

/** Characters Telnyx's `send_dtmf` accepts. */
const DTMF_DIGITS = /^[0-9A-D*#wW]{1,64}$/;

/** The JSON Schema descriptions of every tool an agent allows: built-in ones, then the user's. */
export function toolSpecs(tools: readonly BuiltInTool[], transferTargets: readonly string[], userTools: readonly AgentTool[] = []): SpeechTool[] {
  return [...builtInToolSpecs(tools, transferTargets), ...userTools.map((tool) => ({ name: tool.name, description: tool.description, parameters: toolParametersSchema(tool) }))];
}

/** The JSON Schema descriptions of the built-in tools an agent allows. */
export function builtInToolSpecs(tools: readonly BuiltInTool[], transferTargets: readonly string[]): SpeechTool[] {
  return tools.map((tool): SpeechTool => {
    switch (tool) {
      case 'end_call':
        return {
          name: 'end_call',
          description: 'Hang up the call after what you are saying now has been heard. Use it when the caller says goodbye or the conversation is over.',
          parameters: { type: 'object', properties: {}, additionalProperties: false },
        };
      case 'transfer_call':
        return {
          name: 'transfer_call',
          description: 'Transfer the caller to a person or another line, after what you are saying now has been heard. Only the listed destinations exist.',
          parameters: {
            type: 'object',
            properties: { to: { type: 'string', enum: [...transferTargets], description: 'Where to transfer the caller.' } },
            required: ['to'],
            additionalProperties: false,
          },
        };
      case 'send_dtmf':
        return {
          name: 'send_dtmf',
          description: 'Press keys on the phone keypad, for example to navigate a phone menu. w waits half a second, W one second.',
          parameters: {
            type: 'object',
            properties: { digits: { type: 'string', pattern: DTMF_DIGITS.source, description: 'Keys to press: 0-9, *, #, A-D, w, W.' } },
            required: ['digits'],
            additionalProperties: false,
          },
        };
    }
  });
}

/** What the bot should do for a tool call the model made. */
export type ToolDecision =
  | { readonly kind: 'hangup' }
  | { readonly kind: 'transfer'; readonly to: string }
  | { readonly kind: 'dtmf'; readonly digits: string }
  /** A tool of the user's, its arguments checked against its schema. */
  | { readonly kind: 'user'; readonly tool: AgentTool; readonly args: unknown }
  /** Refused: the text goes back to the model as the tool's result. */
  | { readonly kind: 'refuse'; readonly result: string };

function argumentsOf(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw === '' ? '{}' : raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a tool call against what the agent allows. A transfer goes only to a configured target,
 * whatever the model asks for.
 */
export function decideToolCall(name: string, rawArguments: string, allowed: readonly BuiltInTool[], transferTargets: readonly string[], userTools: readonly AgentTool[] = []): ToolDecision {
  const userTool = userTools.find((tool) => tool.name === name);
  if (!allowed.includes(name as BuiltInTool) && userTool === undefined) return { kind: 'refuse', result: JSON.stringify({ error: `no tool named ${name}` }) };
  const args = argumentsOf(rawArguments);
  if (args === undefined) return { kind: 'refuse', result: JSON.stringify({ error: 'arguments must be a JSON object' }) };
  if (userTool !== undefined) {
    const parsed = userTool.parameters.safeParse(args);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
      return { kind: 'refuse', result: JSON.stringify({ error: 'the arguments do not match the tool', issues }) };
    }
    return { kind: 'user', tool: userTool, args: parsed.data };
  }
  switch (name as BuiltInTool) {
    case 'end_call':
      return { kind: 'hangup' };
    case 'transfer_call': {
      const to = args['to'];
      if (typeof to !== 'string' || !transferTargets.includes(to)) {
        return { kind: 'refuse', result: JSON.stringify({ error: 'that destination is not allowed', allowed: transferTargets }) };
      }
      return { kind: 'transfer', to };
    }
    case 'send_dtmf': {
      const digits = args['digits'];
      if (typeof digits !== 'string' || !DTMF_DIGITS.test(digits)) return { kind: 'refuse', result: JSON.stringify({ error: 'digits must be 1 to 64 of 0-9, *, #, A-D, w, W' }) };
      return { kind: 'dtmf', digits };
    }
  }
}

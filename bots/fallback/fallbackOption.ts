import { fallbackPrompt, type FallbackPromptSource } from './fallbackPrompt.js';

/** What the caller gets when the service behind a bot (an AI provider, the user's bot server) fails. */
export interface Fallback {
  /** Played to the end first. */
  readonly prompt: FallbackPromptSource;
  /** Then the caller is transferred here; without it the call hangs up. */
  readonly transferTo: string | undefined;
}

/** A phone number in E.164 or a SIP URI: what Telnyx's transfer accepts. */
export const TRANSFER_TARGET = /^(\+[1-9]\d{6,14}|sips?:[^\s@]+@[^\s]+)$/;

/** The fallback of an agent that sets none: the shipped prompt, then hang up. */
export const DEFAULT_FALLBACK: Fallback = { prompt: { shipped: true }, transferTo: undefined };

/**
 * Parses an agent's `fallback` option (`{"prompt": "x.wav"}` or `{"text": "…"}`, optional
 * `transferTo`) and renders its prompt now, so a bad one is refused when the configuration loads.
 *
 * @throws TypeError whose message starts with `botName` and says what to fix.
 */
export function parseFallback(botName: string, value: unknown): Fallback {
  const fail = (message: string): never => {
    throw new TypeError(`${botName}: ${message}`);
  };
  if (value === undefined) return DEFAULT_FALLBACK;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('fallback must be an object such as {"text": "…", "transferTo": "+15551234567"}');
  const { prompt, text, transferTo, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail(`fallback: unknown option "${unknown}"; known: prompt, text, transferTo`);
  if (prompt !== undefined && text !== undefined) fail('fallback: give either prompt (a WAV file) or text, not both');
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt === '')) fail('fallback.prompt must be the path of an 8000 Hz mono WAV file');
  if (text !== undefined && (typeof text !== 'string' || text.trim() === '')) fail('fallback.text must be a non-empty string');
  if (transferTo !== undefined && (typeof transferTo !== 'string' || !TRANSFER_TARGET.test(transferTo))) {
    fail(`fallback.transferTo: ${JSON.stringify(transferTo)} is neither an E.164 number (+15551234567) nor a SIP URI`);
  }
  const source: FallbackPromptSource = prompt !== undefined ? { wav: prompt as string } : text !== undefined ? { text: text as string } : { shipped: true };
  try {
    // Made now, once: at start-up when the engine checks its configuration.
    fallbackPrompt(source);
  } catch (error) {
    fail((error as Error).message);
  }
  return { prompt: source, transferTo: transferTo as string | undefined };
}

/** `raw` with a relative `fallback.prompt` resolved by `resolvePath` (against the configuration file's folder). */
export function withResolvedFallbackPrompt(raw: Readonly<Record<string, unknown>>, resolvePath: (path: string) => string): Readonly<Record<string, unknown>> {
  const fallback = raw['fallback'];
  if (typeof fallback !== 'object' || fallback === null || typeof (fallback as { prompt?: unknown }).prompt !== 'string') return raw;
  return { ...raw, fallback: { ...fallback, prompt: resolvePath((fallback as { prompt: string }).prompt) } };
}

import { parseFallback, type Fallback } from '../fallback/fallbackOption.js';

/** The media-stream protocol a user's bot server speaks: Telnyx's, or Twilio's Media Streams. */
export type UpstreamProtocolName = 'telnyx' | 'twilio';

/** G.711 codec of the audio exchanged with the bot server. */
export type UpstreamEncoding = 'PCMU' | 'PCMA';

/** What happens when the bot server ends the conversation (a `stop` message or a normal close). */
export type UpstreamEndMode = 'after-playback' | 'at-once';

/** Options of the `upstream` bot, parsed from the agent's `options`. */
export interface UpstreamOptions {
  /** `ws://` or `wss://` URL of the bot server; one connection per call. */
  readonly url: string;
  readonly protocol: UpstreamProtocolName;
  /** Extra request headers on the upgrade, e.g. `{"authorization": "Bearer …"}`. */
  readonly headers: Readonly<Record<string, string>>;
  /** How long connecting and the upgrade may take before the call falls back. */
  readonly connectTimeoutMs: number;
  /**
   * Codec of the audio both ways. Twilio's protocol is always PCMU; with Telnyx's, the default is the
   * call's own codec when it is PCMU or PCMA (no transcoding), else PCMU.
   */
  readonly encoding: UpstreamEncoding | undefined;
  /** When the bot server says it is done: end after its queued audio has played (default), or at once. */
  readonly endWhenBotStops: UpstreamEndMode;
  /** Caller audio waiting in the socket beyond this many bytes is dropped (a bot that stops reading). */
  readonly maxSendBufferBytes: number;
  /** Messages from the bot server larger than this are refused (logged, counted); the call goes on. */
  readonly maxMessageBytes: number;
  readonly fallback: Fallback;
}

/** Defaults of {@link UpstreamOptions}. */
export const UPSTREAM_DEFAULTS = {
  connectTimeoutMs: 5_000,
  maxSendBufferBytes: 256 * 1024,
  // Telnyx takes up to 30 s of audio in one `media` message: 240 KB of PCMU, 320 KB of base64.
  maxMessageBytes: 1024 * 1024,
} as const;

const BOT = 'upstream';

function fail(message: string): never {
  throw new TypeError(`${BOT}: ${message}`);
}

function integerIn(raw: Readonly<Record<string, unknown>>, key: string, min: number, max: number, fallback: number): number {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(`${key} must be a whole number from ${min} to ${max}`);
  return value;
}

function parseUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') fail('url is required: the ws:// or wss:// address of your bot server, e.g. "ws://my-bot:8765/ws"');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`url ${JSON.stringify(value)} is not a URL; expected e.g. "ws://my-bot:8765/ws"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') fail(`url must start with ws:// or wss://, got ${JSON.stringify(value)}`);
  return value;
}

function parseHeaders(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('headers must be an object of header names and string values');
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`headers: ${JSON.stringify(name)} is not a valid header name`);
    if (typeof headerValue !== 'string' || /[\r\n\0]/.test(headerValue)) fail(`headers.${name} must be a string on one line`);
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

const KNOWN = new Set(['url', 'protocol', 'headers', 'connectTimeoutMs', 'encoding', 'endWhenBotStops', 'maxSendBufferBytes', 'maxMessageBytes', 'fallback']);

/**
 * Parses the `upstream` bot's options.
 *
 * @throws TypeError saying which option is wrong and what it should be.
 */
export function parseUpstreamOptions(raw: Readonly<Record<string, unknown>>): UpstreamOptions {
  const unknown = Object.keys(raw).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) fail(`unknown option "${unknown}"; known: ${[...KNOWN].join(', ')}`);
  const url = parseUrl(raw['url']);
  const protocol = raw['protocol'] ?? 'telnyx';
  if (protocol !== 'telnyx' && protocol !== 'twilio') fail(`protocol must be "telnyx" or "twilio", got ${JSON.stringify(protocol)}`);
  const encoding = raw['encoding'];
  if (encoding !== undefined && encoding !== 'PCMU' && encoding !== 'PCMA') fail(`encoding must be "PCMU" or "PCMA", got ${JSON.stringify(encoding)}`);
  if (protocol === 'twilio' && encoding === 'PCMA') fail('the twilio protocol carries PCMU (audio/x-mulaw) only');
  const endWhenBotStops = raw['endWhenBotStops'] ?? 'after-playback';
  if (endWhenBotStops !== 'after-playback' && endWhenBotStops !== 'at-once') fail('endWhenBotStops must be "after-playback" or "at-once"');
  return {
    url,
    protocol,
    headers: parseHeaders(raw['headers']),
    connectTimeoutMs: integerIn(raw, 'connectTimeoutMs', 100, 60_000, UPSTREAM_DEFAULTS.connectTimeoutMs),
    encoding,
    endWhenBotStops,
    maxSendBufferBytes: integerIn(raw, 'maxSendBufferBytes', 4096, 64 * 1024 * 1024, UPSTREAM_DEFAULTS.maxSendBufferBytes),
    maxMessageBytes: integerIn(raw, 'maxMessageBytes', 4096, 16 * 1024 * 1024, UPSTREAM_DEFAULTS.maxMessageBytes),
    fallback: parseFallback(BOT, raw['fallback']),
  };
}

/** The codec used with the bot server on a call whose stream carries `callEncoding`. */
export function upstreamEncodingFor(options: UpstreamOptions, callEncoding: string): UpstreamEncoding {
  if (options.encoding !== undefined) return options.encoding;
  if (options.protocol === 'twilio') return 'PCMU';
  return callEncoding === 'PCMA' ? 'PCMA' : 'PCMU';
}

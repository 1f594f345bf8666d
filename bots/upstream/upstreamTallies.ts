import type { BotMessageErrorCode } from './botMessageReader.js';
import type { UpstreamFailureCause } from './upstreamConnection.js';

/** Process-wide counts of the `upstream` bot's trouble; `/metrics` reads them when scraped. */
export interface UpstreamTallies {
  /** Bot server connections that failed (callers heard the fallback), by cause. */
  readonly failures: Map<UpstreamFailureCause, number>;
  /** Messages from bot servers that were refused, by code. */
  readonly refusedMessages: Map<BotMessageErrorCode, number>;
  /** 20 ms frames of caller audio dropped because a bot server did not read them in time. */
  droppedCallerFrames: number;
  /** Milliseconds of bot audio dropped because the call's outbound queue was full. */
  droppedBotAudioMs: number;
}

/** The one tally of this process. */
export const upstreamTallies: UpstreamTallies = { failures: new Map(), refusedMessages: new Map(), droppedCallerFrames: 0, droppedBotAudioMs: 0 };

/** Adds one to `key`'s count in `counts`. */
export function countOne<Key>(counts: Map<Key, number>, key: Key): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

import type { BotLogic } from './api.js';
import type { Logger } from '../engine/logger.js';

/** What the engine knows of a call before its media stream starts; fields it does not know yet are undefined. */
export interface CallPreview {
  readonly org: string;
  readonly agent: string;
  /** The agent's `options` from configuration. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Known for Call Control calls (the `call.initiated` webhook, a dial-out). */
  readonly callControlId: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** The agent's custom parameters, plus a dial-out's own. */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Codec the stream will most likely carry (the agent's outbound codec), e.g. `PCMU`. */
  readonly expectedEncoding: string;
  /** Rate the bot will hear and play, in Hz. */
  readonly botSampleRate: number;
  readonly log: Logger;
}

/** What a bot prepared for a call before it started; the engine disposes of it if the bot never takes it. */
export interface PreparedCall {
  /** Releases what was prepared (closes a connection); called at most once, and never after the bot took it. */
  dispose(): void;
}

/** Makes a call's early work: called as soon as the engine knows a call is coming for the agent. */
export type PrepareCall = (preview: CallPreview) => PreparedCall | undefined;

const preparations = new WeakMap<BotLogic, PrepareCall>();

/**
 * Declares work `bot` wants done as soon as a call is known (the `call.initiated` webhook, a
 * dial-out, or the stream's `connected` frame), before the stream's `start`: an AI agent opens its
 * provider session then, so the first words are ready when the media starts. Returns `bot`.
 */
export function withCallPreparation<Logic extends BotLogic>(bot: Logic, prepare: PrepareCall): Logic {
  preparations.set(bot, prepare);
  return bot;
}

/** The preparation `bot` declared, if any. */
export function callPreparationOf(bot: BotLogic): PrepareCall | undefined {
  return preparations.get(bot);
}

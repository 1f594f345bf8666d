import type { BotLogic } from './api.js';

/** Rates a bot may ask for, in Hz. */
export type BotSampleRate = 8000 | 16000 | 24000 | 48000;

/** The call's audio as far as a bot's rate depends on it: the codec and rate of the stream. */
export interface CallAudioFormat {
  /** Codec name, upper-cased (`PCMU`, `L16`, `OPUS`, …). */
  readonly encoding: string;
  readonly sampleRate: number;
}

/** A bot rate that depends on the call, e.g. 8 kHz on G.711 calls and 24 kHz on wideband ones. */
export type BotSampleRateRule = (call: CallAudioFormat) => BotSampleRate;

const RATES: readonly BotSampleRate[] = [8000, 16000, 24000, 48000];

/** Rates (or rules) bots declared, kept beside the logic rather than on it so any actor logic can declare one. */
const declaredRates = new WeakMap<BotLogic, BotSampleRate | BotSampleRateRule>();

/**
 * Declares the rate `bot` hears caller audio at and plays its own audio at, or a rule that picks it
 * per call; the engine resamples both ways. An agent's `media.botSampleRate` overrides it; a bot that
 * declares nothing runs at the call's own rate. Returns `bot`.
 */
export function withSampleRate<Logic extends BotLogic>(bot: Logic, sampleRate: BotSampleRate | BotSampleRateRule): Logic {
  declaredRates.set(bot, sampleRate);
  return bot;
}

/** The rate or rule `bot` declared with {@link withSampleRate} or `defineBot({ sampleRate })`, if any. */
export function botSampleRateOf(bot: BotLogic): BotSampleRate | BotSampleRateRule | undefined {
  return declaredRates.get(bot);
}

/** The call's own rate for a bot: the supported rate at or just above the stream's (8 kHz for G.711, 16 kHz for L16 at 16 kHz, G.722 and Opus at 16 kHz). */
export function followCallRate(call: CallAudioFormat): BotSampleRate {
  return RATES.find((rate) => rate >= call.sampleRate) ?? 48000;
}

/** The rate a bot runs at on a call: the agent's setting, else what the bot declared, else the call's own. */
export function resolveBotSampleRate(setting: BotSampleRate | BotSampleRateRule | undefined, call: CallAudioFormat): BotSampleRate {
  if (setting === undefined) return followCallRate(call);
  return typeof setting === 'function' ? setting(call) : setting;
}

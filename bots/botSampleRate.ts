import type { BotLogic } from './api.js';

/** Rates a bot may ask for, in Hz. */
export type BotSampleRate = 8000 | 16000 | 24000 | 48000;

/** Rates bots declared, kept beside the logic rather than on it so any actor logic can declare one. */
const declaredRates = new WeakMap<BotLogic, BotSampleRate>();

/**
 * Declares the rate `bot` hears caller audio at and plays its own audio at; the engine resamples
 * both ways. An agent's `media.botSampleRate` overrides it. Returns `bot`.
 */
export function withSampleRate<Logic extends BotLogic>(bot: Logic, sampleRate: BotSampleRate): Logic {
  declaredRates.set(bot, sampleRate);
  return bot;
}

/** The rate `bot` declared with {@link withSampleRate} or `defineBot({ sampleRate })`, if any. */
export function botSampleRateOf(bot: BotLogic): BotSampleRate | undefined {
  return declaredRates.get(bot);
}

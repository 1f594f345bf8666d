import type { BotLogic } from './api.js';

/** Option parsers bots declared, kept beside the logic (like sample rates) so any actor logic can declare one. */
const optionParsers = new WeakMap<BotLogic, (raw: Readonly<Record<string, unknown>>) => unknown>();

/**
 * Declares how `bot` checks an agent's `options`, so the engine can refuse bad ones when it loads
 * its configuration instead of on the first call. Returns `bot`.
 */
export function withOptionsCheck<Logic extends BotLogic>(bot: Logic, parse: (raw: Readonly<Record<string, unknown>>) => unknown): Logic {
  optionParsers.set(bot, parse);
  return bot;
}

/** Runs `bot`'s declared option check on `raw`, if it has one; throws what the check throws. */
export function checkBotOptions(bot: BotLogic, raw: Readonly<Record<string, unknown>>): void {
  optionParsers.get(bot)?.(raw);
}

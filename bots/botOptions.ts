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

/** What an options loader may use: the configuration file's folder, and a module importer that takes TypeScript. */
export interface OptionsLoadContext {
  readonly baseDir: string;
  readonly importModule: (path: string) => Promise<unknown>;
}

/** Turns an agent's options as written into what the bot parses: loads the modules and files they name. */
export type OptionsLoader = (raw: Readonly<Record<string, unknown>>, context: OptionsLoadContext) => Promise<Readonly<Record<string, unknown>>>;

const optionLoaders = new WeakMap<BotLogic, OptionsLoader>();

/** Declares how `bot` loads what its options name (a tools module, a file relative to the configuration). Returns `bot`. */
export function withOptionsLoader<Logic extends BotLogic>(bot: Logic, load: OptionsLoader): Logic {
  optionLoaders.set(bot, load);
  return bot;
}

/** Runs `bot`'s options loader when the configuration loads, or returns `raw` as it is. */
export async function loadBotOptions(bot: BotLogic, raw: Readonly<Record<string, unknown>>, context: OptionsLoadContext): Promise<Readonly<Record<string, unknown>>> {
  const load = optionLoaders.get(bot);
  return load === undefined ? raw : load(raw, context);
}

import { loadConfig, type EngineConfig } from '../config.js';

/** Option shared by the commands that read the configuration. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;

/** The configuration `serve` would use, from `--config`, CALLWIRE_CONFIG or the working directory. */
export function loadCommandConfig(path: string | undefined): Promise<EngineConfig> {
  return loadConfig({ cwd: process.cwd(), env: process.env, path });
}

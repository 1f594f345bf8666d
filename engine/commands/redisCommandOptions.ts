import { loadCommandConfig } from './configOptions.js';

/** Options shared by the commands that read the shared call state in Redis. */
export const REDIS_READ_OPTIONS = {
  redis: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * The Redis to read: `--redis`, else the configuration's `redis.url` (`CALLWIRE_REDIS_URL`
 * included), as `serve` would use it; a message instead when neither names one.
 */
export async function redisUrlToRead(option: string | undefined, configPath: string | undefined): Promise<{ url: string } | { problem: string }> {
  if (option !== undefined) {
    return /^rediss?:\/\/./.test(option) ? { url: option } : { problem: `--redis must be a redis:// or rediss:// URL, got "${option}"` };
  }
  const url = (await loadCommandConfig(configPath)).redis?.url;
  return url === undefined ? { problem: 'no Redis to read: give --redis URL, or set redis.url in the configuration (or CALLWIRE_REDIS_URL)' } : { url };
}

/** How long ago `iso` was, in words short enough for a table cell. */
export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '?';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

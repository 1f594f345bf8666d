import type { z } from 'zod';
import { loadCommandConfig } from './configOptions.js';

/** Where the command writes; injected by tests. */
export interface CommandOutput {
  readonly write: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly now: () => number;
}

/** The terminal. */
export const STANDARD_OUTPUT: CommandOutput = {
  write: (text) => void process.stdout.write(text),
  warn: (text) => void process.stderr.write(text),
  now: () => Date.now(),
};

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

/** Which entries a command lists: their keys and how they parse (loaded only when the command runs, with the Redis client). */
export interface ListedEntries<T> {
  readonly pattern: string;
  readonly schema: z.ZodType<T>;
}

/**
 * The entries of `what` ("calls", "nodes") in the Redis that `--redis` or the configuration names,
 * those that do not parse named on `output`; the exit code instead when there is no Redis to read
 * (2) or it cannot be reached (1). The Redis client loads here, never with the CLI itself.
 */
export async function listFromRedis<T>(
  values: { readonly redis?: string | undefined; readonly config?: string | undefined },
  what: string,
  entries: () => Promise<ListedEntries<T>>,
  output: CommandOutput,
): Promise<T[] | number> {
  const target = await redisUrlToRead(values.redis, values.config);
  if ('problem' in target) {
    output.warn(`callwire: ${target.problem}\n`);
    return 2;
  }
  const { listEntries, RedisUnreachable } = await import('../redis/redisListing.js');
  const { pattern, schema } = await entries();
  let listing;
  try {
    listing = await listEntries(target.url, pattern, schema);
  } catch (error) {
    if (!(error instanceof RedisUnreachable)) throw error;
    output.warn(`callwire: ${error.message}\n`);
    return 1;
  }
  if (listing.unparsable.length > 0) output.warn(`callwire: skipped ${listing.unparsable.length} entries that do not parse as ${what}: ${listing.unparsable.join(', ')}\n`);
  return listing.entries;
}

/** How long ago `iso` was, in words short enough for a table cell. */
export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '?';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

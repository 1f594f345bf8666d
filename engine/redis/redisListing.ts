import { Redis } from 'ioredis';
import type { z } from 'zod';
import { parseEntry } from './directoryEntries.js';
import { withoutPassword } from './redisUrl.js';

/** What a listing found: the entries that parsed, and the keys of those that did not (dropped). */
export interface Listing<T> {
  readonly entries: T[];
  readonly unparsable: string[];
}

/** Keys asked for per SCAN step: small enough not to hold Redis up, large enough to take few round trips. */
const SCAN_COUNT = 500;

/** Thrown when Redis cannot be reached or refuses the listing; the message says which Redis, without its password. */
export class RedisUnreachable extends Error {}

/**
 * Reads every entry whose key matches `pattern` (SCAN, so Redis is never blocked for long), as
 * `schema` describes them. An operator's one-off read: one connection, no reconnection, bounded waits.
 */
export async function listEntries<T>(url: string, pattern: string, schema: z.ZodType<T>): Promise<Listing<T>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000, commandTimeout: 5_000 });
  // Failures arrive as rejections below; the event would otherwise be printed by ioredis itself.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const values = new Map<string, string | null>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      const fresh = keys.filter((key) => !values.has(key));
      if (fresh.length > 0) (await redis.mget(fresh)).forEach((value, index) => values.set(fresh[index]!, value));
    } while (cursor !== '0');
    const entries: T[] = [];
    const unparsable: string[] = [];
    for (const [key, value] of values) {
      // A key that expired between SCAN and MGET is simply gone.
      if (value === null) continue;
      const entry = parseEntry(schema, value);
      if (entry === undefined) unparsable.push(key);
      else entries.push(entry);
    }
    return { entries, unparsable };
  } catch (error) {
    throw new RedisUnreachable(`cannot read Redis at ${withoutPassword(url)}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    redis.disconnect();
  }
}

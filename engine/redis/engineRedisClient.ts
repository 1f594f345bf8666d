import { once } from 'node:events';
import { Redis } from 'ioredis';

/** Longest a Redis command may take before it counts as failed: a hung Redis must not hold anything up. */
const COMMAND_TIMEOUT_MS = 2_000;
/** Longest wait between reconnection attempts while Redis is away. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * The engine's Redis connection, built to fail fast rather than queue: while Redis is away a
 * command is refused at once (no offline queue, no retries) and the connection keeps retrying in
 * the background, forever. What was not written is written again on the next heartbeat.
 */
export function engineRedisClient(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
  });
}

/**
 * Resolves true once `redis` is ready; false after `withinMs`, or at once when a connection attempt
 * fails. A command sent before the first connection is up is refused at once (no offline queue), so
 * what must reach Redis waits this long for it.
 */
export async function readyWithin(redis: Redis, withinMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  if (withinMs <= 0) return false;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), withinMs);
  try {
    await once(redis, 'ready', { signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

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

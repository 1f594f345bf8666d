/** Shared call state in Redis, as configured (`redis`, or `CALLWIRE_REDIS_URL`); the engine loads no Redis code without it. */
export interface RedisSettings {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS. */
  readonly url: string;
  /** This engine's name in the node registry; undefined: `<hostname>:<pid>` (the primary's pid under `--workers`). */
  readonly nodeId: string | undefined;
  /** How long an entry outlives the last heartbeat of the node that wrote it; heartbeats come three times per TTL. */
  readonly ttlMs: number;
}

/** Entries of a node that stopped heartbeating vanish within this (the operator's view is at most this stale). */
export const DEFAULT_REDIS_TTL_MS = 15_000;

/** Heartbeats per TTL: an entry survives two lost heartbeats in a row. */
export const HEARTBEATS_PER_TTL = 3;

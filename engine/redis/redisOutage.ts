import type { Logger } from '../logger.js';

/** What a Redis failure is counted under (`callwire_redis_errors_total{op}`). */
export type RedisOp = 'connection' | 'heartbeat' | 'call_write' | 'call_remove' | 'deregister' | 'bad_reply';

/**
 * Tells operators about Redis trouble without flooding the log: every failure is counted, but each
 * kind is logged once per outage, which ends when the connection is ready again. Calls never wait
 * on Redis, so an outage only leaves the shared view stale.
 */
export class RedisOutage {
  readonly #log: Logger;
  readonly #count: (op: RedisOp) => void;
  readonly #logged = new Set<RedisOp>();
  #down = false;

  constructor(log: Logger, count: (op: RedisOp) => void) {
    this.#log = log;
    this.#count = count;
  }

  /** True between a failure and the next time the connection is ready. */
  get down(): boolean {
    return this.#down;
  }

  /** Counts a failed operation; the first of its kind in this outage is logged. */
  failed(op: RedisOp, error: unknown): void {
    this.#count(op);
    if (op !== 'bad_reply') this.#down = true;
    if (this.#logged.has(op)) return;
    this.#logged.add(op);
    const reason = error instanceof Error ? error.message : String(error);
    this.#log.warn({ op, reason }, op === 'bad_reply' ? 'redis reply did not parse; dropped' : 'redis unavailable: calls go on, the shared call directory and node registry are stale until it is back');
  }

  /** The connection is ready again; true when it ends an outage (the caller then registers everything again). */
  recovered(): boolean {
    const wasDown = this.#down;
    this.#down = false;
    this.#logged.clear();
    return wasDown;
  }
}

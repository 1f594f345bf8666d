import type { Logger } from '../logger.js';

/** What a Redis failure is counted under (`callwire_redis_errors_total{op}`). */
export type RedisOp = 'connection' | 'heartbeat' | 'call_write' | 'call_remove' | 'deregister' | 'dial_write' | 'dial_read' | 'dial_read_busy' | 'subscribe' | 'webhook_forward' | 'leg_write' | 'leg_claim' | 'webhook_claim' | 'node_clash' | 'bad_reply';

/**
 * Failures that do not start an outage: a value that does not parse, reads shed at the cap, the
 * webhook listener's connection (the main connection's own failures say when Redis is away), and
 * another process under this node id.
 */
const NOT_AN_OUTAGE: ReadonlySet<RedisOp> = new Set(['bad_reply', 'dial_read_busy', 'subscribe', 'node_clash']);

/** What a failure that is not an outage means, for its log line. */
const WARNINGS: Partial<Record<RedisOp, string>> = {
  bad_reply: 'redis reply did not parse; dropped',
  dial_read_busy: 'redis reads of dial-out parameters shed: too many in flight',
  subscribe: 'redis webhook listener cannot connect: webhooks for calls elsewhere are only handled where they land',
  node_clash: 'another engine process registers under this node id: give each engine its own redis.nodeId (or none), or the registry and forwarded webhooks mix them up',
};

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
    if (!NOT_AN_OUTAGE.has(op)) this.#down = true;
    if (this.#logged.has(op)) return;
    this.#logged.add(op);
    const reason = error instanceof Error ? error.message : String(error);
    this.#log.warn({ op, reason }, WARNINGS[op] ?? 'redis unavailable: calls go on, the shared call directory and node registry are stale until it is back');
  }

  /** Redis answers again (the connection is ready, or a heartbeat went through); true when it ends an outage. */
  recovered(): boolean {
    const wasDown = this.#down;
    this.#down = false;
    this.#logged.clear();
    return wasDown;
  }
}

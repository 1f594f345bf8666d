import type { Redis } from 'ioredis';
import { replyWithin } from './boundedReply.js';
import type { NodePlace } from './callDirectory.js';
import { processName, webhookEventKey } from './redisKeys.js';
import type { RedisOutage } from './redisOutage.js';

/**
 * Takes the event for this process (KEYS[1] set to ARGV[1] for ARGV[2] ms) unless another took it
 * first: 1 when taken here; 0 for a repeat, whose mark then lives at least as long as this
 * delivery's signature could be replayed (Telnyx signs each redelivery afresh).
 */
const CLAIM_SCRIPT =
  "if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end " +
  "if redis.call('pttl', KEYS[1]) < tonumber(ARGV[2]) then redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

/** Longest a webhook waits on Redis before it is handled where it landed. */
const WAIT_MS = 1_000;

/**
 * Webhook event ids taken across every engine process sharing the Redis, beside each process's own
 * `SeenWebhookIds`: Telnyx redelivers an event it thinks was lost, a load balancer may send the
 * redelivery to another process, and a `call.initiated` handled twice answers a call twice. Redis
 * away or slow: the event is handled where it landed (at least once, as with one process).
 */
export class SharedWebhookClaims {
  readonly #redis: Redis;
  readonly #owner: string;
  readonly #outage: RedisOutage;

  constructor(redis: Redis, place: NodePlace, outage: RedisOutage) {
    this.#redis = redis;
    this.#owner = processName(place.node, place.worker);
    this.#outage = outage;
  }

  /** True when this process takes event `id` (first anywhere, or Redis cannot say); false when another process took it already. */
  async claim(id: string, acceptedUntilMs: number, nowMs: number): Promise<boolean> {
    const rememberMs = Math.max(1, Math.ceil(acceptedUntilMs - nowMs));
    const outcome = await replyWithin(this.#redis.eval(CLAIM_SCRIPT, 1, webhookEventKey(id), this.#owner, rememberMs), WAIT_MS, (error) => this.#outage.failed('webhook_claim', error));
    return !outcome.answered || outcome.value !== 0;
  }

  /** Gives event `id` back (this process did not act on it), so its next delivery anywhere is handled. */
  release(id: string): void {
    this.#redis.del(webhookEventKey(id)).catch((error: unknown) => this.#outage.failed('webhook_claim', error));
  }
}

import type { Clock } from './clock.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept at most; the oldest are forgotten first (a flood of distinct addresses must not grow memory). */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * A token bucket per address: `perSecond` tokens a second, with a burst of the same size. A rate
 * of 0 takes no tokens and refuses nothing.
 */
export class AddressRate {
  readonly #perSecond: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perSecond: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#clock = clock;
  }

  /** Takes a token from `address`'s bucket; false when it has none left. */
  take(address: string): boolean {
    const rate = this.#perSecond;
    if (rate === 0) return true;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: rate, updatedAt: now };
    } else {
      // Re-inserting keeps the map in least-recently-seen order for the eviction above.
      this.#buckets.delete(address);
      bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
      bucket.updatedAt = now;
    }
    this.#buckets.set(address, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

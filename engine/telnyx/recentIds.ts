/** Options of {@link RecentIds}. */
export interface RecentIdsOptions {
  /** Most ids remembered; the oldest go first. */
  readonly capacity: number;
  /** How long an id is remembered, in milliseconds. */
  readonly ttlMs: number;
}

/**
 * A bounded memory of ids seen recently, to handle Telnyx's webhook redeliveries (same `data.id`)
 * once. Memory is capped by `capacity`; an id older than `ttlMs` counts as new again.
 *
 * @example
 * ```ts
 * const seen = new RecentIds({ capacity: 10_000, ttlMs: 3_600_000 });
 * if (seen.check(event.id, Date.now())) return; // a redelivery
 * ```
 */
export class RecentIds {
  /** Id → time first seen; a Map iterates in insertion order, so the oldest is first. */
  readonly #seenAt = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttlMs: number;

  constructor(options: RecentIdsOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    this.#capacity = options.capacity;
    this.#ttlMs = options.ttlMs;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#seenAt.size;
  }

  /** True when `id` was seen within the TTL; otherwise remembers it (as of `nowMs`) and returns false. */
  check(id: string, nowMs: number): boolean {
    this.#expire(nowMs);
    if (this.#seenAt.has(id)) return true;
    this.#seenAt.set(id, nowMs);
    if (this.#seenAt.size > this.#capacity) {
      const oldest = this.#seenAt.keys().next();
      if (oldest.done !== true) this.#seenAt.delete(oldest.value);
    }
    return false;
  }

  /** Forgets `id`, so its next delivery is handled (used when handling it could not start). */
  forget(id: string): void {
    this.#seenAt.delete(id);
  }

  #expire(nowMs: number): void {
    for (const [id, seenAt] of this.#seenAt) {
      if (nowMs - seenAt < this.#ttlMs) return;
      this.#seenAt.delete(id);
    }
  }
}

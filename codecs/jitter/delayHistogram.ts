/** Below this many ms, buckets are 1 ms wide: it covers the added delay of most calls. */
const FINE_LIMIT_MS = 128;
/** Width of the buckets from {@link FINE_LIMIT_MS} up: under 3 % of any value they hold. */
const COARSE_WIDTH_MS = 4;

/** Bucket index of a value in [0, ∞): 1 ms wide below {@link FINE_LIMIT_MS}, {@link COARSE_WIDTH_MS} wide above. */
function bucketOf(valueMs: number): number {
  return valueMs < FINE_LIMIT_MS ? Math.floor(valueMs) : FINE_LIMIT_MS + Math.floor((valueMs - FINE_LIMIT_MS) / COARSE_WIDTH_MS);
}

/** Upper edge of a bucket, in ms. */
function upperEdgeOf(bucket: number): number {
  return bucket < FINE_LIMIT_MS ? bucket + 1 : FINE_LIMIT_MS + (bucket - FINE_LIMIT_MS + 1) * COARSE_WIDTH_MS;
}

/**
 * Counts of millisecond values in buckets, for a mean and a percentile of per-frame delays without
 * keeping the values: 1 ms wide up to 128 ms, 4 ms wide above (a p95 of 300 ms needs no finer). The
 * buckets cover only the largest value seen so far and grow when a larger one comes (twice a call
 * at most), so a call whose delay stays low holds half a kilobyte; nothing grows per frame.
 */
export class DelayHistogram {
  #counts: Uint32Array;
  /** Index of the last bucket, where values at or above `maxMs` all land. */
  readonly #lastBucket: number;
  readonly #maxMs: number;
  #count = 0;
  #sum = 0;

  /** Values at or above `maxMs` all land in the last bucket. */
  constructor(maxMs = 1000) {
    this.#maxMs = Math.max(1, Math.ceil(maxMs));
    this.#lastBucket = bucketOf(this.#maxMs);
    this.#counts = new Uint32Array(Math.min(FINE_LIMIT_MS, this.#lastBucket + 1));
  }

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Mean of the recorded values (exact, not bucketed), or 0 when empty. */
  get meanMs(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** Records one value; negative values count as 0. */
  add(valueMs: number): void {
    const value = valueMs > 0 ? valueMs : 0;
    const bucket = value >= this.#maxMs ? this.#lastBucket : bucketOf(value);
    if (bucket >= this.#counts.length) this.#grow();
    this.#counts[bucket]!++;
    this.#count++;
    this.#sum += value;
  }

  /**
   * The `q` quantile (0 < q ≤ 1), as the upper edge of its bucket, so it is never below the true
   * value; 0 when empty. A quantile in the last bucket reports that bucket's lower edge (`maxMs`).
   */
  quantileMs(q: number): number {
    if (this.#count === 0) return 0;
    const counts = this.#counts;
    const last = this.#lastBucket;
    // Buckets past the array's end have never been counted into.
    const end = counts.length < last ? counts.length : last;
    const threshold = Math.ceil(q * this.#count);
    let cumulative = 0;
    for (let bucket = 0; bucket < end; bucket++) {
      cumulative += counts[bucket]!;
      if (cumulative >= threshold) return Math.min(upperEdgeOf(bucket), this.#maxMs);
    }
    return this.#maxMs;
  }

  /** Records `laterMs - earlierMs` (computed here, so no fresh fraction crosses the call). */
  addDifference(laterMs: number, earlierMs: number): void {
    this.add(laterMs - earlierMs);
  }

  /** Forgets every value. */
  clear(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
  }

  /** Rare: a value beyond the fine buckets. Adds every coarse bucket up to the last at once. */
  #grow(): void {
    const counts = new Uint32Array(this.#lastBucket + 1);
    counts.set(this.#counts);
    this.#counts = counts;
  }
}

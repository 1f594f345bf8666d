/** Buckets a histogram starts with: 128 ms covers the added delay of most calls without growing. */
const INITIAL_BUCKETS = 128;

/**
 * Counts of millisecond values in fixed 1 ms buckets, for a mean and a percentile of per-frame
 * delays without keeping the values. The buckets cover only the largest value seen so far and double
 * when a larger one comes (a few times a call at most), so a call whose delay stays low does not
 * hold a second's worth of counters; nothing grows per frame.
 */
export class DelayHistogram {
  #counts: Uint32Array;
  /** Index of the last bucket, where values at or above `maxMs` all land. */
  readonly #lastBucket: number;
  #count = 0;
  #sum = 0;

  /** Values at or above `maxMs` all land in the last bucket. */
  constructor(maxMs = 1000) {
    this.#lastBucket = Math.max(1, Math.ceil(maxMs));
    this.#counts = new Uint32Array(Math.min(INITIAL_BUCKETS, this.#lastBucket + 1));
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
    const last = this.#lastBucket;
    const bucket = value >= last ? last : Math.floor(value);
    if (bucket >= this.#counts.length) this.#grow(bucket);
    this.#counts[bucket]!++;
    this.#count++;
    this.#sum += value;
  }

  /**
   * The `q` quantile (0 < q ≤ 1), as the upper edge of its 1 ms bucket, so it is never below the true
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
      if (cumulative >= threshold) return bucket + 1;
    }
    return last;
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

  /** Rare: a value beyond the buckets so far. Doubles them (at least to fit), up to the last bucket. */
  #grow(bucket: number): void {
    let length = this.#counts.length * 2;
    while (length <= bucket) length *= 2;
    const counts = new Uint32Array(Math.min(length, this.#lastBucket + 1));
    counts.set(this.#counts);
    this.#counts = counts;
  }
}

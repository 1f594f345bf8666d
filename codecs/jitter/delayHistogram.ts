/**
 * Counts of millisecond values in fixed 1 ms buckets, for a mean and a percentile of per-frame
 * delays without keeping the values: memory is fixed when the call starts, nothing grows per frame.
 */
export class DelayHistogram {
  readonly #counts: Uint32Array;
  #count = 0;
  #sum = 0;

  /** Values at or above `maxMs` all land in the last bucket. */
  constructor(maxMs = 1000) {
    this.#counts = new Uint32Array(Math.max(1, Math.ceil(maxMs)) + 1);
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
    const last = this.#counts.length - 1;
    const bucket = value >= last ? last : Math.floor(value);
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
    const last = counts.length - 1;
    const threshold = Math.ceil(q * this.#count);
    let cumulative = 0;
    for (let bucket = 0; bucket < last; bucket++) {
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
}

/**
 * Minimum of the values seen over the last `windowMs`, kept as the minima of a few time buckets so
 * memory and work per value are fixed. The window is as exact as one bucket (windowMs / buckets).
 */
export class SlidingMinimum {
  readonly #bucketMs: number;
  readonly #minima: Float64Array;
  readonly #bucketIds: Float64Array;
  /** The minimum over the window as of the last {@link add}; NaN before any value. Read only (a field, so reading it never boxes). */
  minimum = Number.NaN;

  constructor(windowMs: number, buckets = 8) {
    if (!(windowMs > 0) || !Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`SlidingMinimum needs a positive window and bucket count, got ${windowMs} ms / ${buckets}`);
    }
    this.#bucketMs = windowMs / buckets;
    this.#minima = new Float64Array(buckets);
    this.#bucketIds = new Float64Array(buckets).fill(Number.NaN);
  }

  /** Records `value` seen at `nowMs` (times must not go backwards by more than a bucket). */
  add(value: number, nowMs: number): void {
    const buckets = this.#minima.length;
    const id = Math.floor(nowMs / this.#bucketMs);
    const position = ((id % buckets) + buckets) % buckets;
    if (this.#bucketIds[position] !== id) {
      this.#bucketIds[position] = id;
      this.#minima[position] = value;
    } else if (value < this.#minima[position]!) {
      this.#minima[position] = value;
    }
    let minimum = Number.POSITIVE_INFINITY;
    for (let i = 0; i < buckets; i++) {
      const age = id - this.#bucketIds[i]!;
      // NaN ids (never used) fail both comparisons and are skipped.
      if (age >= 0 && age < buckets && this.#minima[i]! < minimum) minimum = this.#minima[i]!;
    }
    this.minimum = minimum;
  }

  /** Forgets every value. */
  clear(): void {
    this.#bucketIds.fill(Number.NaN);
    this.minimum = Number.NaN;
  }
}

import type { Distribution } from '../support/quantiles.js';

/** Percentiles and a bar chart's worth of bins, as sent over IPC and written to reports. */
export interface HistogramSummary extends Distribution {
  /** Values below 0 (recorded as 0). */
  readonly belowRange: number;
  /** Values at or above the histogram's range (recorded in the last bucket; `max` is exact). */
  readonly aboveRange: number;
}

/** Counts in equal-width bins from 0, for a distribution chart. */
export interface HistogramBins {
  readonly widthMs: number;
  /** Count per bin; bin i covers [i × width, (i + 1) × width); the last bin holds everything above. */
  readonly counts: readonly number[];
}

/**
 * A fixed-bucket histogram of milliseconds: constant memory, O(1) per value, no allocation when
 * recording. Percentiles are bucket midpoints, so they are exact to half a bucket.
 */
export class LinearHistogram {
  readonly bucketMs: number;
  readonly rangeMs: number;
  readonly #buckets: Uint32Array;
  #count = 0;
  #sum = 0;
  #max = 0;
  #below = 0;
  #above = 0;

  constructor(bucketMs: number, rangeMs: number) {
    if (!(bucketMs > 0) || !(rangeMs > bucketMs)) throw new RangeError(`need 0 < bucketMs < rangeMs, got ${bucketMs}, ${rangeMs}`);
    this.bucketMs = bucketMs;
    this.rangeMs = rangeMs;
    this.#buckets = new Uint32Array(Math.ceil(rangeMs / bucketMs));
  }

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Adds one value in milliseconds; negative values count as 0. */
  record(valueMs: number): void {
    let value = valueMs;
    if (value < 0) {
      this.#below++;
      value = 0;
    }
    let index = Math.floor(value / this.bucketMs);
    if (index >= this.#buckets.length) {
      this.#above++;
      index = this.#buckets.length - 1;
    }
    this.#buckets[index] = (this.#buckets[index] ?? 0) + 1;
    this.#count++;
    this.#sum += value;
    if (value > this.#max) this.#max = value;
  }

  /** The value below which `percent` % of the values lie (bucket midpoint); 0 when empty. */
  percentile(percent: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i] ?? 0;
      if (seen >= rank) return Math.min((i + 0.5) * this.bucketMs, this.#max);
    }
    return this.#max;
  }

  /** Count, mean, p50/p95/p99 and max. */
  summary(): HistogramSummary {
    return {
      count: this.#count,
      mean: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.#max,
      belowRange: this.#below,
      aboveRange: this.#above,
    };
  }

  /** Regroups the buckets into `binCount` bins of `widthMs` (a multiple of the bucket width); the last bin takes the rest. */
  bins(widthMs: number, binCount: number): HistogramBins {
    const per = Math.max(1, Math.round(widthMs / this.bucketMs));
    const counts = new Array<number>(binCount).fill(0);
    for (let i = 0; i < this.#buckets.length; i++) {
      const bin = Math.min(binCount - 1, Math.floor(i / per));
      counts[bin] = (counts[bin] ?? 0) + (this.#buckets[i] ?? 0);
    }
    return { widthMs: per * this.bucketMs, counts };
  }

  /** Forgets every value. */
  reset(): void {
    this.#buckets.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#max = 0;
    this.#below = 0;
    this.#above = 0;
  }
}

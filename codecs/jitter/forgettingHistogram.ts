/**
 * A histogram whose old samples fade: every new sample first scales the existing weights by the
 * forget factor (NetEq's delay histogram does the same with 0.983). Weights are normalised by their
 * running total, so the first samples count fully. An optional prior weight at zero, fading like a
 * sample, stands for the samples a young history has not seen yet: without it a quantile over a
 * few samples is their maximum, and one outlier early in a stream holds it up for seconds.
 */
export class ForgettingHistogram {
  readonly #weights: Float32Array;
  readonly #bucketWidth: number;
  readonly #forgetFactor: number;
  readonly #quantile: number;
  readonly #priorWeight: number;
  #total = 0;
  #samples = 0;

  /**
   * Buckets of `bucketWidth` cover [0, buckets × bucketWidth); larger values land in the last one.
   * `quantile` (0 < q ≤ 1) is the one {@link quantileValue} reports; fixed here so no fraction is
   * passed on each query. `priorWeight` (≥ 0) is where the weight at zero starts, and returns on
   * {@link clear}.
   */
  constructor(buckets: number, bucketWidth: number, forgetFactor: number, quantile = 0.95, priorWeight = 0) {
    if (!Number.isInteger(buckets) || buckets < 1 || !(bucketWidth > 0) || !(forgetFactor > 0 && forgetFactor <= 1) || !(quantile > 0 && quantile <= 1) || !(priorWeight >= 0)) {
      throw new RangeError(`ForgettingHistogram: bad shape ${buckets} × ${bucketWidth}, forget factor ${forgetFactor}, quantile ${quantile}, prior ${priorWeight}`);
    }
    this.#weights = new Float32Array(buckets);
    this.#bucketWidth = bucketWidth;
    this.#forgetFactor = forgetFactor;
    this.#quantile = quantile;
    this.#priorWeight = priorWeight;
    this.#seedPrior();
  }

  #seedPrior(): void {
    this.#weights[0] = this.#priorWeight;
    this.#total = this.#priorWeight;
  }

  /** True before the first sample and after {@link clear}. */
  isEmpty(): boolean {
    return this.#samples === 0;
  }

  /** Adds one sample (negative values count as 0). */
  add(value: number): void {
    const weights = this.#weights;
    const forget = this.#forgetFactor;
    for (let i = 0; i < weights.length; i++) weights[i]! *= forget;
    const bucket = value > 0 ? Math.min(weights.length - 1, Math.floor(value / this.#bucketWidth)) : 0;
    weights[bucket]! += 1;
    this.#total = this.#total * forget + 1;
    this.#samples++;
  }

  /**
   * Lower edge of the bucket holding the quantile given to the constructor, or 0 when empty. The
   * lower edge keeps a jitter-free stream at exactly zero.
   */
  quantileValue(): number {
    if (this.#samples === 0) return 0;
    const weights = this.#weights;
    const threshold = this.#quantile * this.#total;
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i]!;
      // A tiny tolerance so rounding in the running total cannot skip the last bucket.
      if (cumulative >= threshold - 1e-9) return i * this.#bucketWidth;
    }
    return (weights.length - 1) * this.#bucketWidth;
  }

  /** Forgets every sample. */
  clear(): void {
    this.#weights.fill(0);
    this.#samples = 0;
    this.#seedPrior();
  }
}

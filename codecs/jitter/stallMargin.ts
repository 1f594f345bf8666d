/** How a {@link StallMargin} decides; durations in milliseconds. */
export interface StallMarginOptions {
  /** Largest margin worth reporting (the target's cap minus one frame). */
  readonly maxMarginMs: number;
  /** Resolution of the margins considered. */
  readonly bucketMs: number;
  /** Jitter from which an arrival belongs to a delay peak (a stall and its burst, a spike). */
  readonly thresholdMs: number;
  /** Time constant over which past peaks, and the time they were observed over, fade. */
  readonly memoryMs: number;
  /** Share of the time the recurring peaks may leave uncovered before a margin is held against them. */
  readonly budget: number;
}

/** Step of the forgetting: fine enough that a peak's weight does not visibly jump. */
const FORGET_STEP_MS = 500;

/**
 * The margin worth holding against delay peaks that recur: over TCP, stalls followed by bursts.
 *
 * @remarks
 * A peak is a run of arrivals whose jitter is at least `thresholdMs`; its height is their largest
 * jitter, which is the buffer depth that would have played through it. For every margin m on a
 * `bucketMs` grid the model keeps what the call's peaks would have cost at that margin: the sum of
 * (height − m) over the peaks, i.e. concealed milliseconds, with each peak and the observed time
 * fading over `memoryMs`. The reported margin is the smallest m whose cost per observed
 * millisecond stays within `budget`: the hindsight-best fixed cushion for the recent past, as a
 * fixed buffer's oracle would choose it. A rare peak is cheaper to conceal once than to pay for
 * all the time; a peak that keeps coming is not.
 *
 * A peak's rate is only known once it recurs: n peaks in memory count as n − 1 recurrences, so
 * one stall alone never buys a margin, and once peaks stop coming their weight fades until the
 * margin is zero again.
 *
 * Memory is fixed at construction; nothing is allocated per arrival or per step.
 */
export class StallMargin {
  /** Margin to hold on top of one frame, in ms; 0 when no peaks recur. Written only by the model. */
  marginMs = 0;
  readonly #options: StallMarginOptions;
  /** Faded sum of (height − m)⁺ for margin m = index × bucketMs. */
  readonly #uncoveredMs: Float32Array;
  readonly #forgetPerStep: number;
  /** Faded number of peaks. */
  #peakWeight = 0;
  /** Faded observed time, ms: the denominator of the peaks' rate. */
  #observedMs = 0;
  #stepStartMs = Number.NaN;
  /** Height of the peak under way, or -1 when none is. */
  #openHeightMs = -1;

  constructor(options: StallMarginOptions) {
    const { maxMarginMs, bucketMs, thresholdMs, memoryMs, budget } = options;
    const forgetPerStep = Math.exp(-FORGET_STEP_MS / memoryMs);
    if (!(maxMarginMs >= 0 && Number.isFinite(maxMarginMs) && bucketMs > 0 && thresholdMs > 0 && forgetPerStep < 1 && budget > 0 && budget < 1)) {
      throw new RangeError('StallMargin needs a finite maxMarginMs ≥ 0, positive bucket and threshold, a finite memory, and a budget in (0, 1)');
    }
    this.#options = options;
    this.#uncoveredMs = new Float32Array(Math.ceil(maxMarginMs / bucketMs) + 1);
    this.#forgetPerStep = forgetPerStep;
  }

  /** Records one arrival's jitter (its delay above the baseline), in ms. */
  observe(jitterMs: number): void {
    // An infinite jitter (a broken clock) would cost every margin forever; it is no peak.
    if (jitterMs >= this.#options.thresholdMs && jitterMs < Number.POSITIVE_INFINITY) {
      if (jitterMs > this.#openHeightMs) this.#openHeightMs = jitterMs;
    } else if (this.#openHeightMs >= 0) {
      this.#closePeak();
    }
  }

  /** Moves time to `nowMs`: fades old peaks and the observed time, and re-decides the margin. */
  advance(nowMs: number): void {
    if (Number.isNaN(this.#stepStartMs)) {
      this.#stepStartMs = nowMs;
      return;
    }
    const elapsed = nowMs - this.#stepStartMs;
    if (elapsed < FORGET_STEP_MS) return;
    const steps = Math.floor(elapsed / FORGET_STEP_MS);
    this.#stepStartMs += steps * FORGET_STEP_MS;
    const forget = steps === 1 ? this.#forgetPerStep : Math.pow(this.#forgetPerStep, steps);
    const uncovered = this.#uncoveredMs;
    for (let i = 0; i < uncovered.length; i++) uncovered[i]! *= forget;
    this.#peakWeight *= forget;
    // The geometric sum of the steps just taken, each faded by the ones after it.
    this.#observedMs = this.#observedMs * forget + (FORGET_STEP_MS * (1 - forget)) / (1 - this.#forgetPerStep);
    this.#decide();
  }

  /** Ends the peak under way without another arrival (the baseline was lost). */
  interrupt(): void {
    if (this.#openHeightMs >= 0) this.#closePeak();
  }

  #closePeak(): void {
    const height = this.#openHeightMs;
    this.#openHeightMs = -1;
    const { bucketMs } = this.#options;
    const uncovered = this.#uncoveredMs;
    for (let i = 0; i < uncovered.length; i++) {
      const left = height - i * bucketMs;
      if (left <= 0) break;
      uncovered[i]! += left;
    }
    this.#peakWeight += 1;
    this.#decide();
  }

  #decide(): void {
    const weight = this.#peakWeight;
    if (weight <= 1 || this.#observedMs <= 0) {
      this.marginMs = 0;
      return;
    }
    // Only recurrences give a rate: scale the peaks' cost by (n − 1) / n.
    const allowed = (this.#options.budget * this.#observedMs * weight) / (weight - 1);
    const uncovered = this.#uncoveredMs;
    let index = 0;
    while (index < uncovered.length - 1 && uncovered[index]! > allowed) index++;
    const margin = index * this.#options.bucketMs;
    this.marginMs = margin < this.#options.maxMarginMs ? margin : this.#options.maxMarginMs;
  }
}

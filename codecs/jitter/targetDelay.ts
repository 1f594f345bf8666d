import { ForgettingHistogram } from './forgettingHistogram.js';
import { SlidingMinimum } from './slidingMinimum.js';
import { StallMargin } from './stallMargin.js';

/** How a {@link TargetDelay} adapts; every field in milliseconds unless named otherwise. */
export interface TargetDelayOptions {
  /** Media time of one frame. */
  readonly frameMs: number;
  /** Lower bound of the target (one frame: the tick grid itself). */
  readonly minTargetMs: number;
  /** Upper bound of the target. */
  readonly maxTargetMs: number;
  /** Target before any jitter was seen. */
  readonly initialTargetMs: number;
  /** Quantile of the per-interval jitter maxima the target settles on (NetEq: 0.95). */
  readonly quantile: number;
  /** Length of the intervals whose maximum jitter feeds the histogram (NetEq: 500). */
  readonly intervalMs: number;
  /** Weight kept by older histogram samples per new sample (NetEq: 0.983, ~30 s of 500 ms intervals). */
  readonly forgetFactor: number;
  /** Window of the sliding minimum that serves as the zero-jitter baseline (NetEq: 2000). */
  readonly baselineWindowMs: number;
  /** Time between two downward steps of the target. */
  readonly decayIntervalMs: number;
  /** Share of the gap to the quantile closed by one downward step. */
  readonly decayFraction: number;
  /** Jitter from which an arrival counts as part of a delay peak (a TCP stall and its burst). */
  readonly stallThresholdMs: number;
  /** Time constant over which the memory of past delay peaks fades. */
  readonly stallMemoryMs: number;
  /** Share of the time recurring delay peaks may be concealed before the target holds a margin against them. */
  readonly stallBudget: number;
}

/**
 * NetEq- and PJMEDIA-derived defaults for 20 ms frames. The stall settings are this project's: a
 * peak is three frames above the baseline, its memory fades over a minute (a few of the stalls a
 * bad TCP path has), and a margin is bought once recurring peaks would conceal 0.2 % of the call.
 * The cap is above Telnyx's own SIP jitter buffer maximum (200): the quantile seldom reaches it,
 * but recurring stalls on a TCP path are worth a larger margin.
 */
export const DEFAULT_TARGET_DELAY: TargetDelayOptions = {
  frameMs: 20,
  minTargetMs: 20,
  maxTargetMs: 300,
  initialTargetMs: 20,
  quantile: 0.95,
  intervalMs: 500,
  forgetFactor: 0.983,
  baselineWindowMs: 2000,
  decayIntervalMs: 250,
  decayFraction: 0.5,
  stallThresholdMs: 60,
  stallMemoryMs: 60_000,
  stallBudget: 0.002,
};

/** Slope smoothing per interval: a time constant of about ten intervals (5 s). */
const DRIFT_SMOOTHING = 0.1;
/** How far ahead a positive drift is anticipated when choosing when to insert in silence. */
const DRIFT_HORIZON_S = 2;

/**
 * The playout target delay, from how late each packet arrives relative to the earliest ones.
 *
 * @remarks
 * Each packet gives a relative delay, arrival time minus media time. Its jitter is that minus the
 * minimum over the last `baselineWindowMs` (NetEq's `packet_arrival_history`), which removes the
 * unknown clock offset. The maximum jitter of each `intervalMs` goes into a histogram with
 * forgetting; the target settles on its `quantile` plus one frame (the tick grid). It rises at once,
 * to any single packet's jitter plus one frame, because a late packet is an audible gap; it falls
 * back a `decayFraction` of the way to the quantile every `decayIntervalMs` (by default half the
 * gap every 250 ms: the playout stage follows a falling target by time-stretching speech, so a
 * falling target costs no dropped frame, and a caller should not carry a stall's delay for
 * seconds). Always within [`minTargetMs`, `maxTargetMs`].
 *
 * Over TCP the worst impairment is not per-packet jitter but a stall followed by a burst, which
 * the quantile forgets between two stalls. A {@link StallMargin} keeps the call's delay peaks; when
 * they recur, the target does not fall below the margin that would have kept their concealment
 * within `stallBudget`, and once they stop the margin fades. A single stall only raises the target
 * the usual way, and it falls back as above: an interval holding a delay peak (jitter of at least
 * `stallThresholdMs`) is left out of the quantile, so one stall early in a call, when the history
 * is short, does not hold the target up until the history has forgotten it. For the same reason
 * the histogram starts with the weight of 1 / (1 − quantile) samples at zero jitter, the fewest a
 * quantile needs (20 at 0.95): a single late packet in the first seconds stays under the quantile
 * (it used to set the target for 4 to 8 s), two do not, and the prior fades like any sample.
 *
 * The baseline lags a relative delay that keeps rising (a sender clock slower than ours) by up to
 * the window length; {@link insertMarginMs} turns the measured slope into extra headroom so silence
 * insertions happen before speech underruns.
 *
 * The results are plain fields rather than getters: a getter V8 does not inline has to box the
 * fractional number it returns, which would allocate on every tick.
 */
export class TargetDelay {
  /** Current target delay, in ms. Written only by the estimator. */
  targetMs = Number.NaN;
  /** Smallest recent relative delay (arrival − media time), in ms; NaN until a packet is seen. Written only by the estimator. */
  baselineMs = Number.NaN;
  /** Smoothed slope of the baseline, in ms per second: positive when the sender's clock is slower. Written only by the estimator. */
  driftMsPerSecond = 0;
  /** Extra delay headroom to restore during silence because the baseline is rising, in [0, frameMs / 2]. Written only by the estimator. */
  insertMarginMs = 0;
  /** The per-interval jitter the histogram quantile expects at most, in ms: a packet later than that is a delay peak in the making. Written only by the estimator. */
  usualJitterMs = 0;
  readonly #options: TargetDelayOptions;
  readonly #baseline: SlidingMinimum;
  readonly #histogram: ForgettingHistogram;
  readonly #stalls: StallMargin;
  /** Where the target settles without new spikes: the histogram quantile plus one frame, clamped; updated per interval. */
  #floorMs = Number.NaN;
  #lastChangeMs = Number.NaN;
  #intervalStartMs = Number.NaN;
  #intervalMax = -1;
  #previousBaseline = Number.NaN;
  #previousBaselineMs = 0;

  constructor(options: Partial<TargetDelayOptions> = {}) {
    const resolved = { ...DEFAULT_TARGET_DELAY, ...options };
    const { frameMs, minTargetMs, maxTargetMs, quantile, intervalMs, decayIntervalMs, decayFraction } = resolved;
    if (!(frameMs > 0 && minTargetMs > 0 && maxTargetMs >= minTargetMs)) {
      throw new RangeError(`TargetDelay needs 0 < minTargetMs ≤ maxTargetMs, got ${minTargetMs}..${maxTargetMs}`);
    }
    if (!(quantile > 0 && quantile <= 1 && intervalMs > 0 && decayIntervalMs > 0 && decayFraction > 0 && decayFraction <= 1)) {
      throw new RangeError('TargetDelay: quantile and decayFraction must be in (0, 1], intervals positive');
    }
    this.#options = resolved;
    this.#baseline = new SlidingMinimum(resolved.baselineWindowMs);
    const bucketMs = 2;
    this.#histogram = new ForgettingHistogram(Math.ceil(maxTargetMs / bucketMs) + 1, bucketMs, resolved.forgetFactor, quantile, quantile < 1 ? 1 / (1 - quantile) : 0);
    this.#stalls = new StallMargin({
      maxMarginMs: Math.max(0, maxTargetMs - frameMs),
      bucketMs,
      thresholdMs: resolved.stallThresholdMs,
      memoryMs: resolved.stallMemoryMs,
      budget: resolved.stallBudget,
    });
    this.targetMs = this.#clamp(resolved.initialTargetMs);
    this.#floorMs = minTargetMs;
  }

  /**
   * Records a packet of media time `mediaMs` that arrived at `arrivalMs`; may raise the target.
   * (Both times are passed rather than their difference so no fresh fraction crosses the call.)
   */
  observe(arrivalMs: number, mediaMs: number): void {
    this.#closeIntervals(arrivalMs);
    const relativeDelayMs = arrivalMs - mediaMs;
    this.#baseline.add(relativeDelayMs, arrivalMs);
    this.baselineMs = this.#baseline.minimum;
    const jitter = relativeDelayMs - this.baselineMs;
    if (jitter > this.#intervalMax) this.#intervalMax = jitter;
    this.#stalls.observe(jitter);
    const candidate = this.#clamp(jitter + this.#options.frameMs);
    if (candidate > this.targetMs) {
      this.targetMs = candidate;
      this.#lastChangeMs = arrivalMs;
    }
  }

  /** Moves time to `nowMs`: closes finished intervals, fades the stall memory and takes a downward step when one is due. */
  advance(nowMs: number): void {
    this.#closeIntervals(nowMs);
    const stalls = this.#stalls;
    stalls.advance(nowMs);
    const stallFloor = stalls.marginMs > 0 ? this.#clamp(stalls.marginMs + this.#options.frameMs) : 0;
    const floor = stallFloor > this.#floorMs ? stallFloor : this.#floorMs;
    if (floor >= this.targetMs) {
      if (floor > this.targetMs) {
        this.targetMs = floor;
        this.#lastChangeMs = nowMs;
      }
      return;
    }
    if (Number.isNaN(this.#lastChangeMs)) this.#lastChangeMs = nowMs;
    if (nowMs - this.#lastChangeMs < this.#options.decayIntervalMs) return;
    const step = (this.targetMs - floor) * this.#options.decayFraction;
    this.targetMs = Math.max(floor, this.targetMs - (step > 1 ? step : 1));
    this.#lastChangeMs = nowMs;
  }

  /** True while recurring delay peaks hold a margin under the target. */
  holdsStallMargin(): boolean {
    return this.#stalls.marginMs > 0;
  }

  /** Forgets the baseline (the media clock restarted); keeps the jitter history and the target. */
  rebase(): void {
    this.#baseline.clear();
    this.#stalls.interrupt();
    this.baselineMs = Number.NaN;
    this.#intervalMax = -1;
    this.#previousBaseline = Number.NaN;
  }

  #closeIntervals(nowMs: number): void {
    const { intervalMs } = this.#options;
    if (Number.isNaN(this.#intervalStartMs)) {
      this.#intervalStartMs = nowMs;
      return;
    }
    const elapsed = nowMs - this.#intervalStartMs;
    if (elapsed < intervalMs) return;
    // An interval with a delay peak (a stall's burst) stays out of the quantile: the stall margin
    // judges peaks by whether they recur, so a single one does not hold the target up for a minute.
    if (this.#intervalMax >= 0 && this.#intervalMax < this.#options.stallThresholdMs) {
      this.#histogram.add(this.#intervalMax);
      this.usualJitterMs = this.#histogram.quantileValue();
      this.#floorMs = this.#clamp(this.usualJitterMs + this.#options.frameMs);
      this.#updateDrift(nowMs);
    }
    this.#intervalMax = -1;
    this.#intervalStartMs += Math.floor(elapsed / intervalMs) * intervalMs;
  }

  #updateDrift(nowMs: number): void {
    const baseline = this.#baseline.minimum;
    if (!Number.isNaN(this.#previousBaseline) && nowMs > this.#previousBaselineMs) {
      const slope = ((baseline - this.#previousBaseline) * 1000) / (nowMs - this.#previousBaselineMs);
      this.driftMsPerSecond += DRIFT_SMOOTHING * (slope - this.driftMsPerSecond);
      const margin = this.driftMsPerSecond * DRIFT_HORIZON_S;
      const cap = this.#options.frameMs / 2;
      this.insertMarginMs = margin <= 0 ? 0 : margin < cap ? margin : cap;
    }
    this.#previousBaseline = baseline;
    this.#previousBaselineMs = nowMs;
  }

  #clamp(valueMs: number): number {
    const { minTargetMs, maxTargetMs } = this.#options;
    return valueMs < minTargetMs ? minTargetMs : valueMs > maxTargetMs ? maxTargetMs : valueMs;
  }
}

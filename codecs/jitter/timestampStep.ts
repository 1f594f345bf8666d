/** Agreeing pairs of consecutive frames needed before a timestamp step is trusted. */
export const PAIRS_TO_TRUST = 4;
/** Disagreeing pairs, net of agreeing ones, after which a trusted step is dropped and learned anew. */
export const STRIKES_TO_DISTRUST = 4;

/**
 * Learns how many `media.timestamp` units one frame spans from the stream itself: 20 for
 * milliseconds, 160 for an 8 kHz RTP clock, 320 at 16 kHz, 960 at 48 kHz. Telnyx documents neither
 * the unit nor the clock, so no value is assumed.
 *
 * @remarks It is fed the timestamp distance of pairs of frames with consecutive sequence numbers.
 * Most such pairs are one frame apart; a pair the sender skipped frames between is a multiple of
 * that. The smallest distance seen, once {@link PAIRS_TO_TRUST} pairs measured exactly it and none
 * contradicted it, is the step. A pair that is not a positive multiple of the step, or that skips
 * more than `maxSkippedFrames`, is a strike; {@link STRIKES_TO_DISTRUST} strikes more than
 * agreeing pairs drop the step (timestamps that are constant, run backwards or follow a wall clock
 * never earn one). Numbers only: nothing is allocated.
 */
export class TimestampStep {
  readonly #maxSkippedFrames: number;
  #step = Number.NaN;
  #candidate = Number.NaN;
  #agreeing = 0;
  #strikes = 0;

  constructor(maxSkippedFrames: number) {
    this.#maxSkippedFrames = maxSkippedFrames;
  }

  /** Timestamp units per frame once trusted; NaN while unknown or distrusted. */
  get step(): number {
    return this.#step;
  }

  /** Feeds the timestamp distance (wrap-safe, signed) between two frames with consecutive sequence numbers. */
  observe(distance: number): void {
    if (this.#step > 0) {
      if (this.#fits(distance, this.#step)) {
        if (this.#strikes > 0) this.#strikes--;
      } else if (++this.#strikes >= STRIKES_TO_DISTRUST) {
        this.forget();
      }
      return;
    }
    const candidate = this.#candidate;
    if (!(distance > 0)) {
      this.#restartLearning(Number.NaN);
    } else if (distance === candidate) {
      if (++this.#agreeing >= PAIRS_TO_TRUST) this.#step = candidate;
    } else if (distance < candidate && this.#fits(candidate, distance)) {
      // The pairs so far spanned skipped frames: this one is the real step.
      this.#restartLearning(distance);
    } else if (!this.#fits(distance, candidate)) {
      this.#restartLearning(distance);
    }
  }

  /** Forgets the step and starts learning again (a new stream). */
  forget(): void {
    this.#step = Number.NaN;
    this.#strikes = 0;
    this.#restartLearning(Number.NaN);
  }

  #restartLearning(candidate: number): void {
    this.#candidate = candidate;
    this.#agreeing = candidate > 0 ? 1 : 0;
  }

  /** Whether `distance` is one frame of `step` plus at most `maxSkippedFrames` skipped ones. */
  #fits(distance: number, step: number): boolean {
    // Division rather than a remainder, which V8 computes with a library call.
    const frames = distance / step;
    return frames >= 1 && frames === Math.floor(frames) && frames <= 1 + this.#maxSkippedFrames;
  }
}

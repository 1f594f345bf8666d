/** Tuning of a {@link WaveformSubstitution}. */
export interface WaveformSubstitutionOptions {
  /** Consecutive concealed frames until the output has faded to silence (≥ 2). Default 4. */
  readonly fadeFrames?: number;
}

/** Pitch search range: 400 Hz down to about 66 Hz covers voices on the telephone band. */
const MIN_PITCH_S = 0.0025;
const MAX_PITCH_S = 0.015;
/** Correlation window: the last 20 ms of audio. */
const WINDOW_S = 0.02;
/** History kept: enough for the window plus the longest lag, and for three periods of it. */
const HISTORY_S = 0.05;
/** Cross-fade from the substitute back into real audio. */
const MERGE_S = 0.005;
/** Repeating more and more of the past (1, 2, then 3 periods) makes long losses less buzzy. */
const MAX_PERIODS = 3;
/** Gains and weights are Q14 integers: products with 16-bit samples stay small integers, which V8 never boxes. */
const ONE = 16384;
const HALF = 8192;
/** Samples lose this many bits before correlating, so the sums stay small integers too. */
const CORRELATION_SHIFT = 4;

/**
 * Packet loss concealment for codecs without their own (G.711, L16): repeats the last pitch
 * period(s) of the audio played before the loss, fading to silence, then cross-fades back into real
 * audio, in the manner of ITU-T G.711 Appendix I (pitch repetition with overlap-add), with its own
 * fade and cross-fade lengths.
 *
 * @remarks
 * The pitch period is the lag (2.5–15 ms) with the largest normalised autocorrelation over the last
 * 20 ms. The repeated pattern is the last period at first, then grows to two and three periods on
 * later frames of the same loss, reading on from the same point so the growth adds no seam; the end
 * of the pattern is blended into the audio just before its start, so each repetition joins
 * smoothly. The first concealed frame keeps full level; the next `fadeFrames - 1` fall linearly to
 * zero. Works in place on caller-owned buffers and allocates nothing after construction (the gain
 * table is rebuilt only if the frame size changes).
 *
 * A call keeps only its ring of recent audio. The time-ordered copy and the repeated pattern are
 * scratch shared by every call of the same sample rate, rebuilt from the call's ring on each
 * concealed or merged frame: calls conceal one at a time (synchronously), and the ring does not
 * change during a loss, so the rebuilt pattern is the one the loss started with.
 */
export class WaveformSubstitution {
  /** The last audio played, written as a ring so remembering a frame moves nothing else. */
  readonly #ring: Int16Array;
  /** Where the next remembered sample goes in {@link #ring}. */
  #ringEnd = 0;
  /** {@link #ring} in time order, rebuilt on each use; what the pitch search and the pattern read. Shared. */
  readonly #history: Int16Array;
  /** The repeated audio, rebuilt from {@link #history} on each use. Shared. */
  readonly #pattern: Int16Array;
  readonly #minLag: number;
  readonly #maxLag: number;
  readonly #window: number;
  readonly #mergeLength: number;
  readonly #fadeFrames: number;
  /** Q14 gain at the end of concealed frame n of a loss. */
  readonly #endGains: Int32Array;
  /** Q14 cross-fade weights of the merge, rising towards 1. */
  readonly #mergeWeights: Int32Array;
  /** Q14 gain of every sample of concealed frames 0 … fadeFrames - 1, for frames of #gainFrameSize samples. */
  #gains: Int32Array = new Int32Array(0);
  #gainFrameSize = 0;
  #period = 0;
  #patternLength = 0;
  #position = 0;
  /** Index of the current concealed frame within the loss, or -1 while real audio flows. */
  #lossIndex = -1;
  /** Q14 gain at the end of the last concealed frame, where the merge continues from. */
  #endGain = ONE;

  constructor(sampleRate: number, options: WaveformSubstitutionOptions = {}) {
    if (!(sampleRate >= 1000)) throw new RangeError(`WaveformSubstitution needs a sample rate ≥ 1000 Hz, got ${sampleRate}`);
    const fadeFrames = options.fadeFrames ?? 4;
    if (!Number.isInteger(fadeFrames) || fadeFrames < 2) throw new RangeError(`fadeFrames must be an integer ≥ 2, got ${fadeFrames}`);
    this.#fadeFrames = fadeFrames;
    this.#minLag = Math.round(sampleRate * MIN_PITCH_S);
    this.#maxLag = Math.round(sampleRate * MAX_PITCH_S);
    this.#window = Math.round(sampleRate * WINDOW_S);
    this.#mergeLength = Math.round(sampleRate * MERGE_S);
    const size = Math.round(sampleRate * HISTORY_S);
    this.#ring = new Int16Array(size);
    const scratch = sharedScratch(size);
    this.#history = scratch.history;
    this.#pattern = scratch.pattern;
    this.#endGains = Int32Array.from({ length: fadeFrames }, (_, n) => Math.round(ONE * fadeGain(n, 1, fadeFrames)));
    this.#mergeWeights = Int32Array.from({ length: this.#mergeLength }, (_, i) => Math.round((ONE * (i + 1)) / (this.#mergeLength + 1)));
  }

  /** True between the first {@link conceal} of a loss and the {@link merge} or {@link remember} that ends it. */
  get concealing(): boolean {
    return this.#lossIndex >= 0;
  }

  /** Pitch period chosen for the current loss, in samples (0 before any). */
  get period(): number {
    return this.#period;
  }

  /** Appends real audio to the history; ends any loss in progress (without a cross-fade). */
  remember(samples: Int16Array, count: number): void {
    const ring = this.#ring;
    const size = ring.length;
    const n = count < samples.length ? count : samples.length;
    let from = n > size ? n - size : 0;
    let at = this.#ringEnd;
    // Two straight runs: up to the end of the ring, then from its start.
    const firstRun = Math.min(n - from, size - at);
    for (let i = 0; i < firstRun; i++) ring[at + i] = samples[from + i]!;
    from += firstRun;
    at += firstRun;
    if (at === size) at = 0;
    for (; from < n; from++, at++) ring[at] = samples[from]!;
    this.#ringEnd = at;
    this.#lossIndex = -1;
  }

  /** Writes the next concealed frame of `count` samples into `out`. */
  conceal(out: Int16Array, count: number): void {
    this.#linearizeHistory();
    if (this.#lossIndex < 0) {
      this.#period = this.#findPeriod();
      this.#buildPattern(this.#period);
      this.#position = 0;
      this.#lossIndex = 0;
    } else {
      this.#lossIndex++;
      const periods = this.#lossIndex + 1 < MAX_PERIODS ? this.#lossIndex + 1 : MAX_PERIODS;
      const wanted = this.#fitPattern(periods * this.#period);
      if (wanted > this.#patternLength) {
        const grownBy = wanted - this.#patternLength;
        this.#buildPattern(wanted);
        // Keep reading the same history sample: the pattern grew at its front.
        this.#position += grownBy;
      } else {
        this.#buildPattern(this.#patternLength);
      }
    }
    const n = count < out.length ? count : out.length;
    const frameIndex = this.#lossIndex;
    if (frameIndex >= this.#fadeFrames) {
      out.fill(0, 0, n);
      this.#endGain = 0;
      return;
    }
    const gains = this.#gainsFor(n);
    const pattern = this.#pattern;
    const length = this.#patternLength;
    let position = this.#position;
    for (let i = 0, g = frameIndex * n; i < n; i++, g++) {
      out[i] = (pattern[position]! * gains[g]! + HALF) >> 14;
      if (++position === length) position = 0;
    }
    this.#position = position;
    this.#endGain = this.#endGains[frameIndex]!;
  }

  /**
   * Cross-fades into the real audio in `out[0, count)` from what concealment would have played next,
   * over 5 ms. After a loss that continues the substitute at its current level (zero once faded);
   * without one (frames were dropped mid-speech) it continues the last pitch period at full level.
   */
  merge(out: Int16Array, count: number): void {
    let gain = this.#endGain;
    this.#linearizeHistory();
    if (this.#lossIndex < 0) {
      this.#period = this.#findPeriod();
      this.#buildPattern(this.#period);
      this.#position = 0;
      gain = ONE;
    } else {
      this.#buildPattern(this.#patternLength);
    }
    const n = Math.min(this.#mergeLength, count, out.length);
    const weights = this.#mergeWeights;
    const pattern = this.#pattern;
    const length = this.#patternLength;
    let position = this.#position;
    for (let i = 0; i < n; i++) {
      const weight = weights[i]!;
      const continued = (pattern[position]! * gain + HALF) >> 14;
      out[i] = (continued * (ONE - weight) + out[i]! * weight + HALF) >> 14;
      if (++position === length) position = 0;
    }
    this.#lossIndex = -1;
  }

  /** Forgets the history (a new stream). */
  reset(): void {
    this.#ring.fill(0);
    this.#ringEnd = 0;
    this.#lossIndex = -1;
    this.#period = 0;
  }

  /** Copies the ring into {@link #history}, oldest sample first. */
  #linearizeHistory(): void {
    const ring = this.#ring;
    const history = this.#history;
    const size = ring.length;
    for (let i = 0, from = this.#ringEnd; i < size; i++) {
      history[i] = ring[from]!;
      if (++from === size) from = 0;
    }
  }

  /** The lag in [minLag, maxLag] with the highest normalised correlation over the last window. */
  #findPeriod(): number {
    const history = this.#history;
    const end = history.length;
    const start = end - this.#window;
    let best = this.#maxLag;
    // Best lag so far as correlation c and energy e: c / sqrt(e) is compared as c² · e' > c'² · e.
    let bestCorrelation = 0;
    let bestEnergy = 1;
    for (let lag = this.#minLag; lag <= this.#maxLag; lag++) {
      let correlation = 0;
      let energy = 0;
      for (let i = start; i < end; i++) {
        const past = history[i - lag]! >> CORRELATION_SHIFT;
        correlation += (history[i]! >> CORRELATION_SHIFT) * past;
        energy += past * past;
      }
      if (correlation > 0 && energy > 0 && correlation * correlation * bestEnergy > bestCorrelation * bestCorrelation * energy) {
        bestCorrelation = correlation;
        bestEnergy = energy;
        best = lag;
      }
    }
    return best;
  }

  /** The Q14 per-sample gains for frames of `frameSize` samples, looked up on first use. */
  #gainsFor(frameSize: number): Int32Array {
    if (frameSize !== this.#gainFrameSize) {
      this.#gains = sharedGains(this.#fadeFrames, frameSize);
      this.#gainFrameSize = frameSize;
    }
    return this.#gains;
  }

  /** Longest multiple-of-period pattern that leaves room in the history for the seam blend. */
  #fitPattern(length: number): number {
    const room = this.#history.length - this.#seamLength(this.#period);
    let fitted = length;
    while (fitted > this.#period && fitted > room) fitted -= this.#period;
    return fitted;
  }

  #seamLength(period: number): number {
    return period >> 2 > 0 ? period >> 2 : 1;
  }

  /** Copies the last `length` samples of history and blends its end into the audio before its start. */
  #buildPattern(length: number): void {
    const history = this.#history;
    const pattern = this.#pattern;
    const from = history.length - length;
    for (let i = 0; i < length; i++) pattern[i] = history[from + i]!;
    const seam = this.#seamLength(this.#period);
    for (let i = 0; i < seam; i++) {
      const weight = (((i + 1) * ONE) / (seam + 1)) | 0;
      const at = length - seam + i;
      pattern[at] = (pattern[at]! * (ONE - weight) + history[from - seam + i]! * weight + HALF) >> 14;
    }
    this.#patternLength = length;
  }
}

/**
 * Gain at fraction `at` (0 = start, 1 = end) of concealed frame `frame` of a loss: full level through
 * the first frame, then a straight line to zero at the end of frame `fadeFrames - 1`.
 */
function fadeGain(frame: number, at: number, fadeFrames: number): number {
  if (frame === 0) return 1;
  const gain = 1 - (frame - 1 + at) / (fadeFrames - 1);
  return gain > 0 ? gain : 0;
}

/** The time-ordered history and the pattern, by history length (one per sample rate in use), shared by every call. */
const scratches = new Map<number, { readonly history: Int16Array; readonly pattern: Int16Array }>();

/** The shared scratch for a history of `size` samples. */
function sharedScratch(size: number): { readonly history: Int16Array; readonly pattern: Int16Array } {
  let scratch = scratches.get(size);
  if (scratch === undefined) {
    scratch = { history: new Int16Array(size), pattern: new Int16Array(size) };
    scratches.set(size, scratch);
  }
  return scratch;
}

/** Gain tables by fade length and frame size: read-only, so every call with the same shape shares one. */
const gainTables = new Map<string, Int32Array>();

/** The Q14 gain of every sample of concealed frames 0 … fadeFrames - 1, for frames of `frameSize` samples. */
function sharedGains(fadeFrames: number, frameSize: number): Int32Array {
  const key = `${fadeFrames}×${frameSize}`;
  let gains = gainTables.get(key);
  if (gains === undefined) {
    gains = new Int32Array(fadeFrames * frameSize);
    for (let n = 0; n < fadeFrames; n++) {
      for (let i = 0; i < frameSize; i++) gains[n * frameSize + i] = Math.round(ONE * fadeGain(n, i / frameSize, fadeFrames));
    }
    gainTables.set(key, gains);
  }
  return gains;
}

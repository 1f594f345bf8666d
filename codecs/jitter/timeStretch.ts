import { dbfsToRms } from './energy.js';

/** Tuning of a {@link TimeStretch}. */
export interface TimeStretchOptions {
  /** Normalised correlation two neighbouring periods need before one is removed or repeated. Default 0.9 (NetEq's). */
  readonly minCorrelation?: number;
  /** RMS level, in dBFS, below which audio counts as quiet and is cut or stretched without a pitch check. Default -45. */
  readonly quietDbfs?: number;
}

/** Pitch search range: 400 Hz down to about 66 Hz, the voices of the telephone band. */
const MIN_PITCH_S = 0.0025;
const MAX_PITCH_S = 0.015;
/** The coarse search reads about one sample in this many per millisecond: a 4 kHz view of the signal. */
const COARSE_SAMPLES_PER_MS = 4;
/** Samples lose this many bits before correlating, so the sums stay well inside exact integers. */
const CORRELATION_SHIFT = 4;

/**
 * Time-scale modification of PCM in place, by pitch-synchronous overlap-add (the WSOLA family, as
 * NetEq's accelerate and preemptive expand use it): shortens or lengthens audio by one pitch period
 * without changing its pitch.
 *
 * @remarks
 * Both operations look at the two neighbouring segments `x[start, start + L)` and
 * `x[start + L, start + 2L)` for the lag L (2.5–15 ms) whose normalised cross-correlation is highest,
 * searched on a 4 kHz view and refined at the full rate. When that correlation reaches
 * `minCorrelation` (voiced speech), {@link accelerate} replaces the two segments with one that fades
 * from the first into the second, and {@link expand} puts a segment that fades from the second back
 * into the first between them; both splices start and end on the original samples, so the output
 * never jumps. Quiet audio (below `quietDbfs`) is cut or stretched by the longest lag allowed,
 * whatever its correlation; louder audio that does not repeat (noise, transients) is left alone.
 * Pure apart from the buffer it is given; allocates nothing.
 */
export class TimeStretch {
  /** Shortest lag searched, in samples. */
  readonly minLag: number;
  /** Longest lag searched, in samples. */
  readonly maxLag: number;
  /** Normalised correlation of the lag the last call chose (1 for quiet audio, 0 when it refused). */
  lastCorrelation = 0;
  readonly #step: number;
  readonly #minCorrelation: number;
  /** Mean square (after {@link CORRELATION_SHIFT}) at or below which audio is quiet. */
  readonly #quietMeanSquare: number;
  #bestCorrelation = 0;

  constructor(sampleRate: number, options: TimeStretchOptions = {}) {
    if (!(sampleRate >= 1000)) throw new RangeError(`TimeStretch needs a sample rate ≥ 1000 Hz, got ${sampleRate}`);
    const minCorrelation = options.minCorrelation ?? 0.9;
    if (!(minCorrelation > 0 && minCorrelation <= 1)) throw new RangeError(`minCorrelation must be in (0, 1], got ${minCorrelation}`);
    this.minLag = Math.round(sampleRate * MIN_PITCH_S);
    this.maxLag = Math.round(sampleRate * MAX_PITCH_S);
    this.#step = Math.max(1, Math.round(sampleRate / 1000 / COARSE_SAMPLES_PER_MS));
    this.#minCorrelation = minCorrelation;
    const quietRms = dbfsToRms(options.quietDbfs ?? -45) / 2 ** CORRELATION_SHIFT;
    this.#quietMeanSquare = quietRms * quietRms;
  }

  /**
   * Shortens `samples[start, end)` by one pitch period of at most `maxRemove` samples, in place: the
   * samples after the splice move left. Returns how many samples were removed (0 when it refused).
   */
  accelerate(samples: Int16Array, start: number, end: number, maxRemove: number): number {
    const lag = this.#chooseLag(samples, start, end, maxRemove, this.#minCorrelation);
    if (lag === 0) return 0;
    // Fade from the first period into the second; everything after the second moves up by one period.
    for (let i = 0; i < lag; i++) {
      samples[start + i] = crossFade(samples[start + i]!, samples[start + lag + i]!, i, lag);
    }
    samples.copyWithin(start + lag, start + 2 * lag, end);
    return lag;
  }

  /**
   * Lengthens `samples[start, end)` by one pitch period of at most `maxInsert` samples, in place (the
   * array needs that much room after `end`). Returns how many samples were inserted (0 when it refused).
   * `minCorrelation` overrides the constructor's for this call: a caller about to conceal may accept
   * periods that repeat less well.
   */
  expand(samples: Int16Array, start: number, end: number, maxInsert: number, minCorrelation = this.#minCorrelation): number {
    const room = samples.length - end;
    const lag = this.#chooseLag(samples, start, end, maxInsert < room ? maxInsert : room, minCorrelation);
    if (lag === 0) return 0;
    // Make room after the first period, then fill it with the second period fading back into the first.
    samples.copyWithin(start + 2 * lag, start + lag, end);
    for (let i = 0; i < lag; i++) {
      samples[start + lag + i] = crossFade(samples[start + 2 * lag + i]!, samples[start + i]!, i, lag);
    }
    return lag;
  }

  /** The lag to splice at, or 0 to leave the audio alone; sets {@link lastCorrelation}. */
  #chooseLag(samples: Int16Array, start: number, end: number, limit: number, minCorrelation: number): number {
    this.lastCorrelation = 0;
    const available = (end - start) >> 1;
    let longest = this.maxLag < available ? this.maxLag : available;
    if (limit < longest) longest = limit;
    if (start < 0 || end > samples.length || longest < this.minLag) return 0;
    if (this.#isQuiet(samples, start, start + 2 * longest)) {
      this.lastCorrelation = 1;
      return longest;
    }
    const step = this.#step;
    let best = this.#bestLag(samples, start, this.minLag, longest, step);
    if (step > 1) {
      const from = best - step + 1 > this.minLag ? best - step + 1 : this.minLag;
      const to = best + step - 1 < longest ? best + step - 1 : longest;
      best = this.#bestLag(samples, start, from, to, 1);
    }
    if (this.#bestCorrelation < minCorrelation) return 0;
    this.lastCorrelation = this.#bestCorrelation;
    return best;
  }

  /**
   * The lag in [from, to] (every `step`-th one, correlating every `step`-th sample) whose two
   * neighbouring segments correlate best; leaves that correlation in {@link #bestCorrelation}.
   */
  #bestLag(samples: Int16Array, start: number, from: number, to: number, step: number): number {
    let best = from;
    let bestCorrelation = -1;
    for (let lag = from; lag <= to; lag += step) {
      let cross = 0;
      let first = 0;
      let second = 0;
      for (let i = start, end = start + lag; i < end; i += step) {
        const a = samples[i]! >> CORRELATION_SHIFT;
        const b = samples[i + lag]! >> CORRELATION_SHIFT;
        cross += a * b;
        first += a * a;
        second += b * b;
      }
      const energy = first * second;
      const correlation = energy > 0 ? cross / Math.sqrt(energy) : 0;
      if (correlation > bestCorrelation) {
        bestCorrelation = correlation;
        best = lag;
      }
    }
    this.#bestCorrelation = bestCorrelation;
    return best;
  }

  #isQuiet(samples: Int16Array, from: number, to: number): boolean {
    let sum = 0;
    for (let i = from; i < to; i++) {
      const sample = samples[i]! >> CORRELATION_SHIFT;
      sum += sample * sample;
    }
    return sum <= this.#quietMeanSquare * (to - from);
  }
}

/** Sample `i` of a linear fade over `length` samples from `from` to `to`, exact at neither end. */
function crossFade(from: number, to: number, i: number, length: number): number {
  const weight = i + 1;
  return Math.round((from * (length + 1 - weight) + to * weight) / (length + 1));
}

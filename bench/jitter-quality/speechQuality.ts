/**
 * An objective speech-quality proxy for `bench --jitter`: how far the audio a strategy played is
 * from the clean speech of the call, on a 1–5 scale. Not PESQ (P.862) nor POLQA (P.863): a
 * documented stand-in in their spirit (see {@link speechQuality}).
 */
import { BandAnalyzer } from './bandLevels.js';

/** Best score: the played audio is the reference. */
export const TOP_SCORE = 5;
/** Played windows per 20 ms frame: a 10 ms hop. */
const PLAYED_PER_FRAME = 2;
/** Reference windows per 20 ms frame: a 2.5 ms hop, so some reference window is within 1.25 ms of any played one. */
const REFERENCE_PER_FRAME = 8;
/** Reference windows per played window. */
const FINE = REFERENCE_PER_FRAME / PLAYED_PER_FRAME;
/** How far (in reference windows, ±) a played window may sit from where its source frame says: ±10 ms. */
const SEARCH_WINDOWS = 4;
/**
 * A reference window counts as found in a played window placed within ±2.5 ms of it (tighter than
 * the search: else a lost frame would be "found" in its neighbours, speech being nearly stationary)…
 */
const PLACED_WINDOWS = 1;
/** …and then anywhere within ±5 ms of a 10 ms reference window, which covers shifts between played windows. */
const FOUND_WINDOWS = 2;
/** Band level differences up to this are not heard as a difference (codec noise, small shifts), dB. */
const DEAD_ZONE_DB = 3;
/** A band difference counts at most this much: past it, audio is simply absent or unrelated. */
const MAX_BAND_DIFFERENCE_DB = 40;
/** Bands are floored this far below the reference's loud windows: inaudible detail is not compared. */
const BAND_FLOOR_BELOW_DB = 55;
/** A window takes part when its level is within this of the reference's loud windows. */
const ACTIVE_BELOW_DB = 40;
/** Mean disturbance (dB) at which the score has fallen 1/e of the way from 5 to 1. */
const DISTURBANCE_SCALE_DB = 2.5;
/** Every how many reference windows its loudness is sampled. */
const LOUDNESS_STRIDE = 20;

/** One strategy's output: `frameSamples` samples per output frame, and where in the source each one starts. */
export interface PlayedAudio {
  readonly samples: Int16Array;
  /**
   * Per output frame: the source position of its first sample, in frames (i for frame i played
   * whole; fractional for time-stretched audio), or a negative number when it carried no source audio.
   */
  readonly sourceFrames: ArrayLike<number>;
}

/** What {@link speechQuality} found. */
export interface QualityScore {
  /** 1 (nothing of the speech is left) … 5 (identical to the reference). */
  readonly score: number;
  /** Mean disturbance over the active windows, dB. */
  readonly disturbanceDb: number;
  /** Active windows compared, both directions. */
  readonly windows: number;
}

/**
 * The clean speech of a call, with its band levels computed on demand and kept: every strategy of
 * a call is scored against the same one.
 */
export class ReferenceSpeech {
  readonly samples: Int16Array;
  readonly frameSamples: number;
  readonly analyzer: BandAnalyzer;
  /** Band floor (dB) and activity threshold (dB of window power) of this call. */
  readonly bandFloorDb: number;
  readonly activeDb: number;
  readonly #levels: Float32Array;
  readonly #known: Uint8Array;
  readonly #power: Float64Array;
  readonly #windowCount: number;

  constructor(samples: Int16Array, sampleRate: number, frameSamples: number) {
    this.samples = samples;
    this.frameSamples = frameSamples;
    this.analyzer = new BandAnalyzer(sampleRate);
    this.#windowCount = Math.ceil(samples.length / this.hop);
    this.#levels = new Float32Array(this.#windowCount * this.analyzer.bandCount);
    this.#known = new Uint8Array(this.#windowCount);
    this.#power = new Float64Array(this.#windowCount);
    for (let j = 0; j < this.#windowCount; j++) this.#power[j] = windowPowerDb(samples, j * this.hop, this.analyzer.windowSamples, samples.length);
    const loud: number[] = [];
    const bandPeaks: number[] = [];
    for (let j = 0; j < this.#windowCount; j += LOUDNESS_STRIDE) {
      loud.push(this.#power[j]!);
      const levels = this.levels(j, samples.length);
      let peak = -Infinity;
      for (const level of levels) if (level > peak) peak = level;
      bandPeaks.push(peak);
    }
    this.activeDb = percentile(loud, 0.95) - ACTIVE_BELOW_DB;
    this.bandFloorDb = percentile(bandPeaks, 0.95) - BAND_FLOOR_BELOW_DB;
  }

  /** Samples between window starts. */
  get hop(): number {
    return this.frameSamples / REFERENCE_PER_FRAME;
  }

  /** Windows of the whole reference. */
  get windowCount(): number {
    return this.#windowCount;
  }

  /** Power of window j, dB (full scale 0). */
  powerDb(j: number): number {
    return this.#power[j]!;
  }

  /** Band levels of window j (cached when the window lies before `end`, which it must read up to). */
  levels(j: number, end: number): Float32Array {
    const bands = this.analyzer.bandCount;
    const view = this.#levels.subarray(j * bands, (j + 1) * bands);
    const start = j * this.hop;
    const inside = start + this.analyzer.windowSamples <= end;
    if (inside && this.#known[j] === 1) return view;
    this.analyzer.analyze(this.samples, start, view, 0, end);
    this.#known[j] = inside ? 1 : 0;
    return view;
  }
}

/**
 * Scores `played` against the reference frames `[firstFrame, lastFrame]`.
 *
 * @remarks The design, after ViSQOL's patch matching and PESQ's disturbance density:
 * - Both signals are cut into 20 ms Hann windows, the played audio every 10 ms, the reference every
 *   2.5 ms, and reduced to mel band levels (dB), floored 55 dB below the reference's loud windows.
 * - Alignment comes from the strategy: each output frame says which source frame it played (a gap
 *   continues from the last frame played), and a played window is compared with every reference
 *   window within ±10 ms of that place. The best match counts, so a shift of a few ms, or audio
 *   moved by time-stretching, costs (almost) nothing.
 * - The disturbance of a pair is the RMS over bands of each level difference less a 3 dB dead zone
 *   (capped at 40 dB). Each active played window takes its best match; each active reference window
 *   (every 10 ms) takes the best match, within ±5 ms of it, with a played window placed within
 *   ±2.5 ms, or silence if none was (frames dropped or lost). Windows quiet on both sides are left out.
 * - The score is 1 + 4 · exp(−D / 2.5 dB), D the mean disturbance over both sets: 5 when identical,
 *   falling fastest for the first losses, as listeners' ratings do.
 * A played window that equals its aligned reference window sample for sample is a perfect match
 * without any spectrum, which keeps the measure fast on calls that are mostly intact.
 */
export function speechQuality(reference: ReferenceSpeech, played: PlayedAudio, firstFrame: number, lastFrame: number): QualityScore {
  const { frameSamples, analyzer } = reference;
  const fineHop = reference.hop;
  const playedHop = frameSamples / PLAYED_PER_FRAME;
  const bands = analyzer.bandCount;
  const window = analyzer.windowSamples;
  const refEnd = Math.min(reference.samples.length, (lastFrame + 1) * frameSamples);
  const refFirst = firstFrame * REFERENCE_PER_FRAME;
  const refLast = Math.min(reference.windowCount - 1, (lastFrame + 1) * REFERENCE_PER_FRAME - 1);
  const playedWindows = played.sourceFrames.length * PLAYED_PER_FRAME;
  const expected = expectedWindows(played.sourceFrames);
  // Pass 1: played windows that are their reference window, sample for sample.
  const exact = new Uint8Array(playedWindows);
  const refExact = new Uint8Array(refLast + 1);
  for (let w = 0; w < playedWindows; w++) {
    const j = expected[w]!;
    if (j < refFirst || j > refLast) continue;
    if (samplesEqual(played.samples, w * playedHop, reference.samples, j * fineHop, window, refEnd)) {
      exact[w] = 1;
      refExact[j] = 1;
    }
  }
  // Reference windows whose best match is still needed: near a 10 ms reference window without an exact match.
  const refNeeded = new Uint8Array(refLast + 1);
  for (let m = refFirst; m <= refLast; m += FINE) {
    if (refExact[m] === 1) continue;
    for (let j = Math.max(refFirst, m - FOUND_WINDOWS); j <= Math.min(refLast, m + FOUND_WINDOWS); j++) refNeeded[j] = 1;
  }
  // Pass 2: best matches, computing spectra only where a pair can change a result.
  const playedLevels = new Float32Array(playedWindows * bands);
  const playedKnown = new Uint8Array(playedWindows);
  const levelsOf = (w: number): Float32Array => {
    const view = playedLevels.subarray(w * bands, (w + 1) * bands);
    if (playedKnown[w] === 0) {
      analyzer.analyze(played.samples, w * playedHop, view, 0);
      playedKnown[w] = 1;
    }
    return view;
  };
  const playedBest = new Float64Array(playedWindows).fill(Infinity);
  const refBest = new Float64Array(refLast + 1).fill(Infinity);
  const floor = reference.bandFloorDb;
  for (let w = 0; w < playedWindows; w++) {
    const centre = expected[w]!;
    if (exact[w] === 1) {
      playedBest[w] = 0;
      refBest[centre] = 0;
    }
    const from = Math.max(refFirst, centre - SEARCH_WINDOWS);
    const to = Math.min(refLast, centre + SEARCH_WINDOWS);
    for (let j = from; j <= to; j++) {
      if (exact[w] === 1 && (refNeeded[j] === 0 || Math.abs(j - centre) > PLACED_WINDOWS)) continue;
      const distance = disturbance(levelsOf(w), reference.levels(j, refEnd), floor);
      if (distance < playedBest[w]!) playedBest[w] = distance;
      if (distance < refBest[j]! && Math.abs(j - centre) <= PLACED_WINDOWS) refBest[j] = distance;
    }
  }
  const silence = new Float32Array(bands).fill(floor);
  let total = 0;
  let windows = 0;
  for (let w = 0; w < playedWindows; w++) {
    const power = windowPowerDb(played.samples, w * playedHop, window, played.samples.length);
    const centre = expected[w]!;
    const referenceActive = centre >= refFirst && centre <= refLast && reference.powerDb(centre) >= reference.activeDb;
    if (power < reference.activeDb && !referenceActive) continue;
    // Nothing of the reference was near it (played far out of place): compare with silence.
    const best = Number.isFinite(playedBest[w]!) ? playedBest[w]! : disturbance(levelsOf(w), silence, floor);
    total += best;
    windows++;
  }
  for (let m = refFirst; m <= refLast; m += FINE) {
    if (reference.powerDb(m) < reference.activeDb) continue;
    let best = Infinity;
    for (let j = Math.max(refFirst, m - FOUND_WINDOWS); j <= Math.min(refLast, m + FOUND_WINDOWS); j++) if (refBest[j]! < best) best = refBest[j]!;
    total += Number.isFinite(best) ? best : disturbance(reference.levels(m, refEnd), silence, floor);
    windows++;
  }
  const disturbanceDb = windows > 0 ? total / windows : 0;
  return { score: 1 + (TOP_SCORE - 1) * Math.exp(-disturbanceDb / DISTURBANCE_SCALE_DB), disturbanceDb, windows };
}

/**
 * Per played window, the reference window (on the 2.5 ms grid) it should match: its frame's source
 * frame, or for a frame that carried none, the frame after the last one played (before any, the
 * one before the first one played).
 */
function expectedWindows(sourceFrames: ArrayLike<number>): Int32Array {
  const count = sourceFrames.length;
  const position = new Float64Array(count);
  let last = Number.NaN;
  let sinceLast = 0;
  for (let k = 0; k < count; k++) {
    const source = sourceFrames[k]!;
    if (source >= 0) {
      last = source;
      sinceLast = 0;
      position[k] = source;
    } else {
      sinceLast++;
      position[k] = last + sinceLast;
    }
  }
  let next = Number.NaN;
  for (let k = count - 1; k >= 0; k--) {
    const source = sourceFrames[k]!;
    if (source >= 0) next = source;
    else if (Number.isNaN(position[k]!)) next = position[k] = Number.isNaN(next) ? k : next - 1;
  }
  const windows = new Int32Array(count * PLAYED_PER_FRAME);
  for (let k = 0; k < count; k++) {
    for (let h = 0; h < PLAYED_PER_FRAME; h++) windows[k * PLAYED_PER_FRAME + h] = Math.round(position[k]! * REFERENCE_PER_FRAME) + h * FINE;
  }
  return windows;
}

/** RMS over bands of the level differences beyond the dead zone, levels floored at `floor`. */
function disturbance(played: Float32Array, reference: Float32Array, floor: number): number {
  let sum = 0;
  for (let b = 0; b < played.length; b++) {
    const a = played[b]! > floor ? played[b]! : floor;
    const r = reference[b]! > floor ? reference[b]! : floor;
    let difference = Math.abs(a - r) - DEAD_ZONE_DB;
    if (difference <= 0) continue;
    if (difference > MAX_BAND_DIFFERENCE_DB) difference = MAX_BAND_DIFFERENCE_DB;
    sum += difference * difference;
  }
  return Math.sqrt(sum / played.length);
}

function samplesEqual(a: Int16Array, aStart: number, b: Int16Array, bStart: number, length: number, bEnd: number): boolean {
  for (let i = 0; i < length; i++) {
    const x = aStart + i < a.length ? a[aStart + i]! : 0;
    const y = bStart + i < bEnd ? b[bStart + i]! : 0;
    if (x !== y) return false;
  }
  return true;
}

/** Mean power of `length` samples from `start` (zeros past `end`), dB re full scale; −120 for silence. */
function windowPowerDb(samples: Int16Array, start: number, length: number, end: number): number {
  let sum = 0;
  const stop = Math.min(start + length, end);
  for (let i = start; i < stop; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / (length * 32768 * 32768) + 1e-12);
}

function percentile(values: number[], quantile: number): number {
  if (values.length === 0) return -120;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
}

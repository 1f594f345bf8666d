/**
 * An objective speech-quality proxy for `bench --jitter`: how far the audio a strategy played is
 * from the clean speech of the call, on a 1–5 scale. Not PESQ (P.862) nor POLQA (P.863): a
 * documented stand-in in their spirit (see {@link speechQuality}).
 */
import { BandAnalyzer } from './bandLevels.js';
import { quantile } from '../support/quantiles.js';

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
 * A 10 ms reference window counts as found in a played window placed within ±7.5 ms of it, matched
 * anywhere within ±7.5 ms of it: enough for a shift, and for time-stretching that cuts a pitch
 * period from a frame (its played windows then sit up to 15 ms apart in the source, and the cut
 * audio is not lost speech), while a frame lost whole is not "found" in the neighbouring frames
 * (its reference windows are 10 ms from the nearest placement, and speech is nearly stationary).
 */
const FOUND_WINDOWS = 3;
/** A played window this close to its reference window (signal to difference, dB) is a perfect match: far below the dead zone. */
const MATCH_SNR_DB = 40;
const MATCH_ERROR_RATIO = 10 ** (-MATCH_SNR_DB / 10);
/** Band level differences up to this are not heard as a difference (codec noise, small shifts), dB. */
const DEAD_ZONE_DB = 3;
/** A band difference counts at most this much: past it, audio is simply absent or unrelated. */
const MAX_BAND_DIFFERENCE_DB = 40;
/** Bands are floored this far below the reference's loud windows: inaudible detail is not compared. */
const BAND_FLOOR_BELOW_DB = 55;
/** A window takes part when its level is within this of the reference's loud windows. */
const ACTIVE_BELOW_DB = 40;
/** The level of a reference with no windows to measure, dB re full scale. */
const SILENCE_DB = -120;
/** Mean disturbance (dB) at which the score has fallen 1/e of the way from 5 to 1. */
const DISTURBANCE_SCALE_DB = 1.25;
/** Every how many reference windows (2.5 ms apart) its loudness is sampled: every 400 ms. */
const LOUDNESS_STRIDE = 160;

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
 * The clean speech a call's audio is compared with: a source looped as the calls loop it, with its
 * band levels computed on demand and kept, so every strategy of every call on that source shares
 * them.
 */
export class ReferenceSpeech {
  /** The loop, followed by its first frame again (a window near the end reads on across the seam). */
  readonly samples: Int16Array;
  readonly frameSamples: number;
  /** Frames in the loop. */
  readonly frameCount: number;
  readonly analyzer: BandAnalyzer;
  /** Band floor, dB: levels below it are not compared. */
  readonly bandFloorDb: number;
  /** Activity threshold, dB of window power: windows quieter than this on both sides are left out. */
  readonly activeDb: number;
  readonly #levels: Float32Array;
  readonly #known: Uint8Array;
  readonly #power: Float64Array;

  /** `loop`: the clean speech, `frameSamples` samples per frame, that source frame i of a call starting at `offset` plays as frame (offset + i) mod its frames. */
  constructor(loop: Int16Array, sampleRate: number, frameSamples: number) {
    this.frameSamples = frameSamples;
    this.frameCount = Math.floor(loop.length / frameSamples);
    if (this.frameCount < 1) throw new RangeError('ReferenceSpeech needs at least one frame of audio');
    this.samples = new Int16Array((this.frameCount + 1) * frameSamples);
    this.samples.set(loop.subarray(0, this.frameCount * frameSamples));
    this.samples.set(loop.subarray(0, frameSamples), this.frameCount * frameSamples);
    this.analyzer = new BandAnalyzer(sampleRate);
    const windows = this.windowCount;
    this.#levels = new Float32Array(windows * this.analyzer.bandCount);
    this.#known = new Uint8Array(windows);
    this.#power = new Float64Array(windows);
    for (let j = 0; j < windows; j++) this.#power[j] = windowPowerDb(this.samples, j * this.hop, this.analyzer.windowSamples, this.samples.length);
    const loud: number[] = [];
    const bandPeaks: number[] = [];
    for (let j = 0; j < windows; j += LOUDNESS_STRIDE) {
      loud.push(this.#power[j]!);
      const offset = this.levelsAt(j);
      let peak = -Infinity;
      for (let b = 0; b < this.analyzer.bandCount; b++) peak = Math.max(peak, this.#levels[offset + b]!);
      bandPeaks.push(peak);
    }
    this.activeDb = (quantile(loud, 0.95) ?? SILENCE_DB) - ACTIVE_BELOW_DB;
    this.bandFloorDb = (quantile(bandPeaks, 0.95) ?? SILENCE_DB) - BAND_FLOOR_BELOW_DB;
  }

  /** Samples between window starts. */
  get hop(): number {
    return this.frameSamples / REFERENCE_PER_FRAME;
  }

  /** Windows of the loop. */
  get windowCount(): number {
    return this.frameCount * REFERENCE_PER_FRAME;
  }

  /** Power of window j, dB (full scale 0). */
  powerDb(j: number): number {
    return this.#power[j]!;
  }

  /** Band levels of every window, `bandCount` per window; a window's are valid once {@link levelsAt} returned them. */
  get bandLevels(): Float32Array {
    return this.#levels;
  }

  /** Computes (once) the band levels of window j and returns where they start in {@link bandLevels}. */
  levelsAt(j: number): number {
    const offset = j * this.analyzer.bandCount;
    if (this.#known[j] === 1) return offset;
    this.analyzer.analyze(this.samples, j * this.hop, this.#levels, offset);
    this.#known[j] = 1;
    return offset;
  }
}

/** Which part of the reference a call played: source frames `[firstFrame, lastFrame]`, source frame 0 being loop frame `offset`. */
export interface ReferenceSpan {
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly offset: number;
}

/**
 * Scores `played` against the reference over `span`.
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
 *   (every 10 ms) takes its best match, within ±7.5 ms, with a played window placed within ±7.5 ms of
 *   it, or silence if none was (frames dropped). Windows quiet on both sides are left out.
 * - The score is 1 + 4 · exp(−D / 1.25 dB), D the mean disturbance over both sets: 5 when identical,
 *   falling fastest for the first losses, as listeners' ratings do.
 * A played window that equals its aligned reference window to within 40 dB (sample for sample, or
 * a codec re-converging after a loss) is a perfect match without any spectrum, which keeps the
 * measure fast on calls that are mostly intact.
 */
export function speechQuality(reference: ReferenceSpeech, played: PlayedAudio, span: ReferenceSpan): QualityScore {
  const { frameSamples, analyzer } = reference;
  const fineHop = reference.hop;
  const playedHop = frameSamples / PLAYED_PER_FRAME;
  const bands = analyzer.bandCount;
  const window = analyzer.windowSamples;
  const loopWindows = reference.windowCount;
  const base = (((span.offset * REFERENCE_PER_FRAME) % loopWindows) + loopWindows) % loopWindows;
  /** The loop's window for source window s. */
  const loopWindow = (s: number): number => (base + s) % loopWindows;
  // Only windows that lie wholly inside the span, and inside the played audio.
  const refFirst = span.firstFrame * REFERENCE_PER_FRAME;
  const refLast = span.lastFrame * REFERENCE_PER_FRAME;
  const playedWindows = Math.max(0, Math.floor((played.samples.length - window) / playedHop) + 1);
  const expected = expectedWindows(played.sourceFrames);
  // Pass 1: played windows that are their reference window, sample for sample or nearly.
  const matched = new Uint8Array(playedWindows);
  const refFound = new Uint8Array(refLast + 1);
  for (let w = 0; w < playedWindows; w++) {
    const s = expected[w]!;
    if (s < refFirst || s > refLast) continue;
    if (samplesMatch(played.samples, w * playedHop, reference.samples, loopWindow(s) * fineHop, window)) {
      matched[w] = 1;
      for (let m = firstFoundBy(s, s); m <= s + FOUND_WINDOWS; m += FINE) refFound[m] = 1;
    }
  }
  // Pass 2: best matches, computing spectra only where a pair can change a result.
  const playedLevels = new Float32Array(playedWindows * bands);
  const playedKnown = new Uint8Array(playedWindows);
  const levelsOf = (w: number): number => {
    if (playedKnown[w] === 0) {
      analyzer.analyze(played.samples, w * playedHop, playedLevels, w * bands);
      playedKnown[w] = 1;
    }
    return w * bands;
  };
  const refLevels = reference.bandLevels;
  const playedBest = new Float64Array(playedWindows).fill(Infinity);
  // Indexed by source window, used on the 10 ms grid only.
  const refBest = new Float64Array(refLast + 1).fill(Infinity);
  const floor = reference.bandFloorDb;
  for (let w = 0; w < playedWindows; w++) {
    const centre = expected[w]!;
    if (matched[w] === 1) {
      playedBest[w] = 0;
      for (let m = firstFoundBy(centre, centre); m <= centre + FOUND_WINDOWS; m += FINE) if (m <= refLast) refBest[m] = 0;
    }
    const from = Math.max(refFirst, centre - SEARCH_WINDOWS);
    const to = Math.min(refLast, centre + SEARCH_WINDOWS);
    for (let j = from; j <= to; j++) {
      // The 10 ms reference windows this pair can find: within ±7.5 ms of both the placement and the match.
      const firstFound = firstFoundBy(centre, j);
      const lastFound = Math.min(centre, j) + FOUND_WINDOWS;
      if (matched[w] === 1) {
        let needed = false;
        for (let m = firstFound; m <= lastFound; m += FINE) if (m >= refFirst && m <= refLast && refFound[m] === 0) needed = true;
        if (!needed) continue;
      }
      const distance = disturbance(playedLevels, levelsOf(w), refLevels, reference.levelsAt(loopWindow(j)), bands, floor);
      if (distance < playedBest[w]!) playedBest[w] = distance;
      for (let m = firstFound; m <= lastFound; m += FINE) if (m >= refFirst && m <= refLast && distance < refBest[m]!) refBest[m] = distance;
    }
  }
  // What a reference window that nothing was played near is compared with.
  const silence = new Float32Array(bands).fill(floor);
  let total = 0;
  let windows = 0;
  for (let w = 0; w < playedWindows; w++) {
    const centre = expected[w]!;
    // Played outside the span: not compared (a span can leave out the start of a call).
    if (centre < refFirst || centre > refLast) continue;
    const referenceActive = reference.powerDb(loopWindow(centre)) >= reference.activeDb;
    // A matching window is as loud as its reference window.
    if (!referenceActive && (matched[w] === 1 || windowPowerDb(played.samples, w * playedHop, window, played.samples.length) < reference.activeDb)) continue;
    total += playedBest[w]!;
    windows++;
  }
  for (let m = refFirst; m <= refLast; m += FINE) {
    if (reference.powerDb(loopWindow(m)) < reference.activeDb) continue;
    const best = refBest[m]!;
    total += Number.isFinite(best) ? best : disturbance(refLevels, reference.levelsAt(loopWindow(m)), silence, 0, bands, floor);
    windows++;
  }
  const disturbanceDb = windows > 0 ? total / windows : 0;
  return { score: 1 + (TOP_SCORE - 1) * Math.exp(-disturbanceDb / DISTURBANCE_SCALE_DB), disturbanceDb, windows };
}

/** The first 10 ms reference window (a multiple of {@link FINE}) within {@link FOUND_WINDOWS} of both `a` and `b`. */
function firstFoundBy(a: number, b: number): number {
  return Math.ceil((Math.max(a, b) - FOUND_WINDOWS) / FINE) * FINE;
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

/** RMS over `bands` bands of each level difference beyond the dead zone, levels floored at `floor`. */
function disturbance(played: Float32Array, playedAt: number, reference: Float32Array, referenceAt: number, bands: number, floor: number): number {
  let sum = 0;
  for (let b = 0; b < bands; b++) {
    const p = played[playedAt + b]!;
    const r = reference[referenceAt + b]!;
    let difference = Math.abs((p > floor ? p : floor) - (r > floor ? r : floor)) - DEAD_ZONE_DB;
    if (difference <= 0) continue;
    if (difference > MAX_BAND_DIFFERENCE_DB) difference = MAX_BAND_DIFFERENCE_DB;
    sum += difference * difference;
  }
  return Math.sqrt(sum / bands);
}

/**
 * Whether `a` from `aStart` matches `b` from `bStart` over `length` samples to within {@link MATCH_SNR_DB}: a codec state that has not quite re-converged after a loss.
 */
function samplesMatch(a: Int16Array, aStart: number, b: Int16Array, bStart: number, length: number): boolean {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < length; i++) {
    const x = a[aStart + i]!;
    const y = b[bStart + i]!;
    signal += y * y;
    error += (x - y) * (x - y);
  }
  return error <= signal * MATCH_ERROR_RATIO;
}

/** Mean power of `length` samples from `start` (zeros past `end`), dB re full scale; −120 for silence. */
function windowPowerDb(samples: Int16Array, start: number, length: number, end: number): number {
  let sum = 0;
  const stop = Math.min(start + length, end);
  for (let i = start; i < stop; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / (length * 32768 * 32768) + 1e-12);
}


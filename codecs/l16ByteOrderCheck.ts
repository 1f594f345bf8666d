import type { L16ByteOrder } from './l16.js';

/** Frames with sound in them that must agree before a verdict. */
const FRAMES_TO_DECIDE = 25;
/** Share of those frames that must vote the same way. */
const AGREEMENT = 0.8;
/** The check gives up (no verdict) after this many frames: about 20 s at 20 ms. */
const MAX_FRAMES_WATCHED = 1000;
/** Speech read in the right byte order: neighbouring samples move together. */
const SPEECH_CORRELATION = 0.5;
/** Read in the wrong byte order, the low byte turns into the high one: neighbours look unrelated. */
const NOISE_CORRELATION = 0.25;
/** Mean absolute sample (of the better reading) below which a frame is silence and does not vote. */
const SILENCE_LEVEL = 64;

/** What the check concluded. */
export type L16ByteOrderVerdict = 'watching' | 'as-configured' | 'swapped' | 'undecided';

/**
 * Tells from the first seconds of an L16 stream whether its bytes are in the order the decoder was
 * told. Speech read in the right order has a strong correlation between neighbouring samples; read
 * byte-swapped, its near-random low bytes become the high bytes and the signal looks like loud noise.
 * Each frame with sound votes for the reading that looks like speech while the other looks like
 * noise; 25 such frames with 80 % agreeing give a verdict. Allocates nothing; costs nothing once decided.
 */
export class L16ByteOrderCheck {
  #verdict: L16ByteOrderVerdict = 'watching';
  #framesWatched = 0;
  #votesAsConfigured = 0;
  #votesSwapped = 0;

  constructor(readonly configured: L16ByteOrder) {}

  /** The verdict so far. */
  get verdict(): L16ByteOrderVerdict {
    return this.#verdict;
  }

  /** Looks at one payload (`payload[0, length)`) and returns the verdict so far. */
  observe(payload: Uint8Array, length: number): L16ByteOrderVerdict {
    if (this.#verdict !== 'watching') return this.#verdict;
    if (++this.#framesWatched > MAX_FRAMES_WATCHED) return (this.#verdict = 'undecided');
    const big = this.configured === 'big';
    const asConfigured = correlationOf(payload, length, big);
    const swapped = correlationOf(payload, length, !big);
    if (Number.isNaN(asConfigured) || Number.isNaN(swapped)) return this.#verdict;
    if (asConfigured >= SPEECH_CORRELATION && swapped <= NOISE_CORRELATION) this.#votesAsConfigured++;
    else if (swapped >= SPEECH_CORRELATION && asConfigured <= NOISE_CORRELATION) this.#votesSwapped++;
    else return this.#verdict;
    const votes = this.#votesAsConfigured + this.#votesSwapped;
    if (votes < FRAMES_TO_DECIDE) return this.#verdict;
    if (this.#votesSwapped >= votes * AGREEMENT) this.#verdict = 'swapped';
    else if (this.#votesAsConfigured >= votes * AGREEMENT) this.#verdict = 'as-configured';
    else this.#verdict = 'undecided';
    return this.#verdict;
  }
}

/**
 * Lag-one correlation of the samples in `payload[0, length)` read big-endian (or little-endian),
 * or NaN for a frame that is silence in that reading (it cannot tell anything).
 */
function correlationOf(payload: Uint8Array, length: number, bigEndian: boolean): number {
  const count = (length < payload.length ? length : payload.length) >> 1;
  if (count < 8) return Number.NaN;
  const high = bigEndian ? 0 : 1;
  const low = 1 - high;
  let previous = ((payload[high]! << 24) >> 16) | payload[low]!;
  let level = Math.abs(previous);
  let product = 0;
  let energy = previous * previous;
  for (let i = 1, j = 2; i < count; i++, j += 2) {
    const sample = ((payload[j + high]! << 24) >> 16) | payload[j + low]!;
    product += sample * previous;
    energy += sample * sample;
    level += Math.abs(sample);
    previous = sample;
  }
  if (level / count < SILENCE_LEVEL || energy === 0) return Number.NaN;
  return product / energy;
}

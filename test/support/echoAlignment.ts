/**
 * Lines an echo up with what was sent, sample by sample, allowing for what the jitter buffer may
 * legitimately do to the audio: time-stretching removes or repeats a pitch period (the echo then
 * continues from a shifted place), concealment and cross-fades put in samples that were never sent.
 * G.711 decodes and re-encodes bit for bit, so everything else comes back exactly.
 */

/** How an echo lines up with the audio sent. */
export interface EchoAlignment {
  /** Sent samples heard back exactly, in runs of at least {@link MIN_RUN} samples. */
  readonly coveredSamples: number;
  /** Per sent frame, how many of its samples were heard back. */
  readonly coveredPerFrame: Int32Array;
  /** Jumps back in the sent audio by more than a pitch period: audio heard out of order. */
  readonly backwardJumps: number;
}

/** Shortest exact run that counts: shorter coincidences happen in any signal. */
export const MIN_RUN = 24;
/** Longest pitch period time-stretching repeats, in samples at 8 kHz (15 ms). */
const MAX_PITCH_SAMPLES = 120;

function runLength(echo: Int16Array, at: number, sent: Int16Array, from: number): number {
  let length = 0;
  while (at + length < echo.length && from + length < sent.length && echo[at + length] === sent[from + length]) length++;
  return length;
}

/** Samples hashed together to look up where a run may start. */
const KEY_SAMPLES = 4;

function keyAt(samples: Int16Array, at: number): number {
  let hash = 2166136261;
  for (let i = 0; i < KEY_SAMPLES; i++) hash = Math.imul(hash ^ (samples[at + i]! & 0xffff), 16777619);
  return hash >>> 0;
}

/**
 * Aligns echoes against one sent signal (decoded, 8 kHz), through an index of where every
 * {@link KEY_SAMPLES}-sample pattern of it occurs, so a lost or stretched stretch is found again
 * in constant time.
 */
export class EchoAligner {
  readonly #sent: Int16Array;
  readonly #frameSamples: number;
  readonly #starts = new Map<number, number[]>();

  constructor(sent: Int16Array, frameSamples = 160) {
    this.#sent = sent;
    this.#frameSamples = frameSamples;
    for (let at = 0; at + KEY_SAMPLES <= sent.length; at++) {
      const key = keyAt(sent, at);
      const list = this.#starts.get(key);
      if (list === undefined) this.#starts.set(key, [at]);
      else list.push(at);
    }
  }

  /** How `echo` lines up with the sent signal. */
  align(echo: Int16Array): EchoAlignment {
    const sent = this.#sent;
    const coveredPerFrame = new Int32Array(Math.ceil(sent.length / this.#frameSamples));
    let coveredSamples = 0;
    let backwardJumps = 0;
    let next = 0; // where in `sent` the echo is expected to continue
    let at = 0;
    while (at < echo.length) {
      let from = -1;
      let length = runLength(echo, at, sent, next);
      if (length >= MIN_RUN) {
        from = next;
      } else if (at + KEY_SAMPLES <= echo.length) {
        // Of the places this pattern occurs with a long enough run, the nearest to where the echo
        // was: a stretch moves it by a pitch period either way, a loss only forward.
        let best = Number.POSITIVE_INFINITY;
        for (const candidate of this.#starts.get(keyAt(echo, at)) ?? []) {
          const distance = Math.abs(candidate - next);
          if (distance >= best) continue;
          const candidateLength = runLength(echo, at, sent, candidate);
          if (candidateLength < MIN_RUN) continue;
          best = distance;
          from = candidate;
          length = candidateLength;
        }
      }
      if (from < 0) {
        at++; // a sample never sent: concealment, a cross-fade, silence
        continue;
      }
      if (from < next - MAX_PITCH_SAMPLES) backwardJumps++;
      for (let i = 0; i < length; i++) coveredPerFrame[Math.floor((from + i) / this.#frameSamples)]!++;
      coveredSamples += length;
      at += length;
      next = from + length;
    }
    return { coveredSamples, coveredPerFrame, backwardJumps };
  }
}

/** Aligns `echo` (decoded) against `sent` (decoded), both at 8 kHz, `frameSamples` per frame. */
export function alignEcho(sent: Int16Array, echo: Int16Array, frameSamples = 160): EchoAlignment {
  return new EchoAligner(sent, frameSamples).align(echo);
}

/** Sent frames with at least half their samples heard back. */
export function framesHeard(alignment: EchoAlignment, frameSamples = 160): number {
  let heard = 0;
  for (const covered of alignment.coveredPerFrame) if (covered * 2 >= frameSamples) heard++;
  return heard;
}

/**
 * Finds, for each 20 ms frame a mirroring bot sent back, where in the caller's audio it came from,
 * so the round-trip delay of a call can be followed from outside, frame by frame.
 *
 * G.711 survives decode and re-encode bit for bit, so a frame the engine played unmodified appears
 * sample for sample in what the caller sent; a frame that the jitter buffer stretched or shortened
 * is still a run of the caller's samples, only from a shifted place. A frame is located where most
 * of its samples match; concealed, inserted-silent and cross-faded frames match nowhere and are left
 * out.
 */

/** One located frame: when it arrived back and which caller sample it starts with. */
export interface LocatedFrame {
  /** Arrival time of the returned frame, in ms on the caller's clock. */
  readonly arrivedAtMs: number;
  /** Index of the caller's sample the frame starts with. */
  readonly sourceSample: number;
}

/** Settings of {@link locateEchoedFrames}. */
export interface LocateOptions {
  /** Samples per frame (160 at 8 kHz). */
  readonly frameSamples: number;
  /** Equal samples, of a frame, needed to call it found. Default: 80 % of the frame. */
  readonly minEqual?: number;
  /** How far behind the previous match, in samples, a frame is looked for. Default one second at 8 kHz. */
  readonly searchBack?: number;
  /** How far ahead of the previous match, in samples, a frame is looked for. Default two seconds at 8 kHz. */
  readonly searchAhead?: number;
  /** Frames quieter than this peak are skipped: line noise alone is too alike to place. Default 200. */
  readonly minPeak?: number;
}

/** Equal samples of `frame` against `source` at `offset`, giving up once `maxMismatch` differ. */
function equalSamples(source: Int16Array, offset: number, frame: Int16Array, maxMismatch: number): number {
  let mismatches = 0;
  for (let i = 0; i < frame.length; i++) {
    if (source[offset + i] !== frame[i] && ++mismatches > maxMismatch) return 0;
  }
  return frame.length - mismatches;
}

function peakOf(frame: Int16Array): number {
  let peak = 0;
  for (const sample of frame) peak = Math.max(peak, Math.abs(sample));
  return peak;
}

/**
 * Locates each returned frame in `source` (the caller's decoded audio). `returned[i]` is frame i of
 * the bot's audio as the caller decoded it, arrived at `arrivedAtMs[i]`.
 */
export function locateEchoedFrames(source: Int16Array, returned: readonly Int16Array[], arrivedAtMs: readonly number[], options: LocateOptions): LocatedFrame[] {
  const size = options.frameSamples;
  const minEqual = options.minEqual ?? Math.ceil(size * 0.8);
  const back = options.searchBack ?? 8000;
  const ahead = options.searchAhead ?? 16000;
  const minPeak = options.minPeak ?? 200;
  const located: LocatedFrame[] = [];
  let previous = 0;
  for (let i = 0; i < returned.length; i++) {
    const frame = returned[i]!;
    if (frame.length !== size || peakOf(frame) < minPeak) continue;
    // Most frames follow straight on from the last one found: try there first.
    const guess = previous + size;
    let best = guess + size <= source.length ? equalSamples(source, guess, frame, size - minEqual) : 0;
    let bestOffset = guess;
    if (best < size) {
      const from = Math.max(0, previous - back);
      const to = Math.min(source.length - size, previous + ahead);
      for (let offset = from; offset <= to; offset++) {
        const equal = equalSamples(source, offset, frame, size - Math.max(minEqual, best));
        if (equal > best) {
          best = equal;
          bestOffset = offset;
          if (equal === size) break;
        }
      }
    }
    if (best < minEqual) continue;
    located.push({ arrivedAtMs: arrivedAtMs[i]!, sourceSample: bestOffset });
    previous = bestOffset;
  }
  return located;
}

/** Sample rates a bot or codec may use: G.711 (8 kHz), L16/wideband (16 kHz), Opus (8–48 kHz). */
export const RESAMPLE_RATES = [8000, 16000, 24000, 48000] as const;

/** One of {@link RESAMPLE_RATES}, in Hz. */
export type ResampleRate = (typeof RESAMPLE_RATES)[number];

/**
 * Streaming sample-rate converter for PCM16 mono. State carries across calls, so a signal cut into
 * frames comes out exactly as if it had been converted in one piece.
 *
 * @remarks Implementations allocate nothing in {@link Resampler.process}. For 20 ms frames of the
 * supported rates, one frame in always gives exactly one 20 ms frame out (160 ↔ 320 ↔ 480 ↔ 960).
 */
export interface Resampler {
  /** Rate of the samples given to {@link Resampler.process}, in Hz. */
  readonly inputRate: number;
  /** Rate of the samples {@link Resampler.process} writes, in Hz. */
  readonly outputRate: number;
  /** Group delay the conversion adds, in milliseconds. */
  readonly delayMs: number;
  /** Most samples one call of `process` with `inputCount` samples can write; size `output` with it. */
  maxOutputCount(inputCount: number): number;
  /**
   * Converts `input[0, inputCount)` and writes the result into `output` from index 0.
   *
   * @returns The number of samples written.
   * @throws RangeError when `inputCount` exceeds `input.length` or `output` is shorter than
   * `maxOutputCount(inputCount)`.
   */
  process(input: Int16Array, inputCount: number, output: Int16Array): number;
  /** Forgets the signal seen so far, as if newly created (for example after a barge-in clear). */
  reset(): void;
  /** Releases resources; idempotent. */
  close(): void;
}

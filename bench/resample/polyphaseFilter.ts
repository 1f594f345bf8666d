/** Shape of the low-pass prototype, in terms of the lower of the two rates. */
export interface FilterDesign {
  /** Filter span in samples of the lower rate; the delay is half of it. */
  readonly tapsAtLowRate: number;
  /** −6 dB cutoff as a fraction of the lower rate (0.5 would be its Nyquist frequency). */
  readonly cutoffRatio: number;
  /** Kaiser window β: higher trades a wider transition band for deeper stopband rejection. */
  readonly kaiserBeta: number;
}

/**
 * The candidate's design, tuned with bench/resample/quality.ts: 48 taps at the lower rate (3 ms
 * delay at 8 kHz, 1.5 ms at 16 kHz, the same as Speex q3), flat within 0.35 dB to 3.4 kHz (8 kHz)
 * and 7 kHz (16 kHz), and at least 65 dB down from 1.01 × the lower rate's Nyquist frequency on.
 */
export const TELEPHONY_FILTER_DESIGN: FilterDesign = { tapsAtLowRate: 48, cutoffRatio: 0.465, kaiserBeta: 6 };

/** Coefficients of one rational resampling ratio, laid out for `PolyphaseResampler`. */
export interface PolyphaseFilter {
  /** Interpolation factor L (output rate / gcd). */
  readonly upFactor: number;
  /** Decimation factor M (input rate / gcd). */
  readonly downFactor: number;
  /** Input samples each output sample is computed from. */
  readonly tapsPerPhase: number;
  /**
   * `upFactor` phases of `tapsPerPhase` coefficients each; within a phase, index 0 weighs the
   * oldest input of the window and the last index the newest. Each phase sums to 1 (unity DC gain).
   */
  readonly coefficients: Float64Array;
  /** Group delay of the prototype, in milliseconds. */
  readonly delayMs: number;
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0; the series converges fast for β < 20. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Designs a Kaiser-windowed sinc low-pass at `inputRate × L` and splits it into L polyphase
 * branches. Runs when a resampler is built, never per frame.
 *
 * @throws RangeError when the rates are not positive integers or the span is not a whole number of
 * input samples.
 */
export function designPolyphaseFilter(inputRate: number, outputRate: number, design: FilterDesign = TELEPHONY_FILTER_DESIGN): PolyphaseFilter {
  if (!(Number.isInteger(inputRate) && Number.isInteger(outputRate) && inputRate > 0 && outputRate > 0)) {
    throw new RangeError(`rates must be positive integers, got ${inputRate} → ${outputRate}`);
  }
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const upFactor = outputRate / divisor;
  const downFactor = inputRate / divisor;
  const lowRate = Math.min(inputRate, outputRate);
  const tapsPerPhase = (design.tapsAtLowRate * inputRate) / lowRate;
  if (!Number.isInteger(tapsPerPhase)) {
    throw new RangeError(`${design.tapsAtLowRate} taps at ${lowRate} Hz is not a whole number of ${inputRate} Hz samples`);
  }
  const length = tapsPerPhase * upFactor;
  const filterRate = inputRate * upFactor;
  const center = (length - 1) / 2;
  // Cutoff in cycles per sample of the upsampled stream.
  const cutoff = (design.cutoffRatio * lowRate) / filterRate;
  const windowNorm = besselI0(design.kaiserBeta);
  const prototype = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    const t = j - center;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const position = (2 * j) / (length - 1) - 1;
    prototype[j] = (sinc * besselI0(design.kaiserBeta * Math.sqrt(Math.max(0, 1 - position * position)))) / windowNorm;
  }
  // Output n reads input x[T-1-i] with prototype tap phase + i·L; store each phase oldest-first.
  const coefficients = new Float64Array(length);
  for (let phase = 0; phase < upFactor; phase++) {
    let sum = 0;
    for (let i = 0; i < tapsPerPhase; i++) sum += prototype[phase + i * upFactor]!;
    const base = phase * tapsPerPhase;
    for (let i = 0; i < tapsPerPhase; i++) {
      coefficients[base + tapsPerPhase - 1 - i] = prototype[phase + i * upFactor]! / sum;
    }
  }
  return { upFactor, downFactor, tapsPerPhase, coefficients, delayMs: (center / filterRate) * 1000 };
}

import type { Resampler } from '../../codecs/resample/types.js';
import { gaussianPulse, resampleInFrames, sampleSignal, sineWave } from './signals.js';

/** A sine fitted to a stretch of signal by least squares, and what is left over. */
export interface ToneFit {
  /** Amplitude of the fitted sine. */
  readonly amplitude: number;
  /** Fitted sine power over residual power (THD+N as a ratio), in dB. */
  readonly snrDb: number;
}

/** Fits `a·sin + b·cos` at `frequency` to `samples[from, to)` (rate `rate`); works on any length, not just whole periods. */
export function fitTone(samples: Int16Array, from: number, to: number, rate: number, frequency: number): ToneFit {
  const step = (2 * Math.PI * frequency) / rate;
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let n = from; n < to; n++) {
    const s = Math.sin(step * n);
    const c = Math.cos(step * n);
    const y = samples[n]!;
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y * s;
    yc += y * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let signal = 0;
  let residual = 0;
  for (let n = from; n < to; n++) {
    const fitted = a * Math.sin(step * n) + b * Math.cos(step * n);
    const error = samples[n]! - fitted;
    signal += fitted * fitted;
    residual += error * error;
  }
  return { amplitude: Math.hypot(a, b), snrDb: 10 * Math.log10(signal / Math.max(residual, 1e-9)) };
}

/** Level of `samples[from, to)` relative to a sine of amplitude `reference`, in dB (RMS-based). */
export function levelDb(samples: Int16Array, from: number, to: number, reference: number): number {
  let energy = 0;
  for (let n = from; n < to; n++) energy += samples[n]! * samples[n]!;
  const rms = Math.sqrt(energy / (to - from));
  return 20 * Math.log10(Math.max(rms, 1e-6) / (reference / Math.SQRT2));
}

const TONE_AMPLITUDE = 10_000;
const TONE_MS = 600;
/** Skip the start: the filter settles and buffering resamplers emit their priming silence. */
const SETTLE_MS = 100;

/** Runs a tone of `frequency` Hz through `resampler` in 20 ms frames; returns the steady output. */
function toneThrough(resampler: Resampler, frequency: number): { output: Int16Array; from: number; to: number } {
  resampler.reset();
  const inputRate = resampler.inputRate;
  const input = sineWave(inputRate, frequency, TONE_AMPLITUDE, (inputRate * TONE_MS) / 1000);
  const output = resampleInFrames(resampler, input, inputRate / 50);
  return { output, from: (resampler.outputRate * SETTLE_MS) / 1000, to: output.length };
}

/** SNR (THD+N) of an in-band tone after conversion, in dB. */
export function toneSnrDb(resampler: Resampler, frequency: number): number {
  const { output, from, to } = toneThrough(resampler, frequency);
  return fitTone(output, from, to, resampler.outputRate, frequency).snrDb;
}

/** Gain of an in-band tone after conversion, in dB (0 is perfectly flat). */
export function toneGainDb(resampler: Resampler, frequency: number): number {
  const { output, from, to } = toneThrough(resampler, frequency);
  return 20 * Math.log10(fitTone(output, from, to, resampler.outputRate, frequency).amplitude / TONE_AMPLITUDE);
}

/** Level of whatever a tone above the output's Nyquist frequency leaves behind, in dB below the tone. */
export function aliasLevelDb(resampler: Resampler, frequency: number): number {
  const { output, from, to } = toneThrough(resampler, frequency);
  return levelDb(output, from, to, TONE_AMPLITUDE);
}

/**
 * End-to-end delay of `resampler` in ms, including any buffering: a Gaussian pulse (σ 0.5 ms, all
 * in band) goes in at 50 ms, and the lag that best matches the output to the same pulse is found by
 * cross-correlation at 0.01 ms resolution.
 */
export function measureDelayMs(resampler: Resampler): number {
  resampler.reset();
  const centerMs = 50;
  const pulse = gaussianPulse(16_000, centerMs, 0.5);
  const input = sampleSignal(pulse, resampler.inputRate, (resampler.inputRate * 300) / 1000);
  const output = resampleInFrames(resampler, input, resampler.inputRate / 50);
  const rate = resampler.outputRate;
  let bestLag = 0;
  let best = -Infinity;
  for (let lagMs = -5; lagMs <= 200; lagMs += 0.01) {
    const first = Math.max(0, Math.floor(((centerMs + lagMs - 4) * rate) / 1000));
    const last = Math.min(output.length, Math.ceil(((centerMs + lagMs + 4) * rate) / 1000));
    let correlation = 0;
    for (let n = first; n < last; n++) correlation += output[n]! * pulse((n * 1000) / rate - lagMs);
    if (correlation > best) {
      best = correlation;
      bestLag = lagMs;
    }
  }
  return bestLag;
}

/** Frequency of a steady tone in `samples[from, to)`, from its interpolated zero crossings, in Hz. */
export function zeroCrossingFrequency(samples: Int16Array, from: number, to: number, rate: number): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let n = from + 1; n < to; n++) {
    const a = samples[n - 1]!;
    const b = samples[n]!;
    if ((a < 0 && b >= 0) || (a >= 0 && b < 0)) {
      const at = n - 1 + a / (a - b);
      if (first < 0) first = at;
      last = at;
      crossings++;
    }
  }
  return crossings < 2 ? 0 : ((crossings - 1) / 2 / (last - first)) * rate;
}

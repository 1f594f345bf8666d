import type { Resampler } from '../../codecs/resample/types.js';

/** `count` samples of a sine at `frequency` Hz, sampled at `rate`, rounded to PCM16. */
export function sineWave(rate: number, frequency: number, amplitude: number, count: number, phase = 0): Int16Array {
  const out = new Int16Array(count);
  const step = (2 * Math.PI * frequency) / rate;
  for (let n = 0; n < count; n++) out[n] = Math.round(amplitude * Math.sin(phase + step * n));
  return out;
}

/** A Gaussian pulse of width `sigmaMs` centred at `centerMs`, as a function of time in ms. */
export function gaussianPulse(amplitude: number, centerMs: number, sigmaMs: number): (timeMs: number) => number {
  return (timeMs) => amplitude * Math.exp(-0.5 * ((timeMs - centerMs) / sigmaMs) ** 2);
}

/** Samples `signal` (time in ms → value) at `rate` for `count` samples, rounded to PCM16. */
export function sampleSignal(signal: (timeMs: number) => number, rate: number, count: number): Int16Array {
  const out = new Int16Array(count);
  for (let n = 0; n < count; n++) out[n] = Math.round(signal((n * 1000) / rate));
  return out;
}

/**
 * Feeds `input` to `resampler` in frames of `frameSize` samples (the last one may be shorter) and
 * returns everything it wrote, concatenated. Allocates; for tests and quality measurements only.
 */
export function resampleInFrames(resampler: Resampler, input: Int16Array, frameSize: number): Int16Array {
  const out = new Int16Array(resampler.maxOutputCount(input.length) + Math.ceil(input.length / frameSize) + 1);
  const scratch = new Int16Array(resampler.maxOutputCount(frameSize));
  let written = 0;
  for (let start = 0; start < input.length; start += frameSize) {
    const count = Math.min(frameSize, input.length - start);
    const produced = resampler.process(input.subarray(start), count, scratch);
    out.set(scratch.subarray(0, produced), written);
    written += produced;
  }
  return out.slice(0, written);
}

/**
 * A deterministic speech-band test signal: tones at 210, 1130 and 2870 Hz plus white noise from a
 * fixed-seed LCG, peaking near −6 dBFS.
 */
export function speechLikeSignal(rate: number, count: number): Int16Array {
  const out = new Int16Array(count);
  let seed = 7;
  for (let n = 0; n < count; n++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const t = n / rate;
    const tones = 6000 * Math.sin(2 * Math.PI * 210 * t) + 4000 * Math.sin(2 * Math.PI * 1130 * t) + 2000 * Math.sin(2 * Math.PI * 2870 * t);
    out[n] = Math.round(tones + ((seed % 600) - 300));
  }
  return out;
}

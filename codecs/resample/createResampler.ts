import { UnsupportedResampleRateError } from './errors.js';
import { PassThroughResampler } from './passThroughResampler.js';
import { speexModule } from './speexModule.js';
import { SPEEX_VOIP_QUALITY, SpeexResampler } from './speexResampler.js';
import { RESAMPLE_RATES, type ResampleRate, type Resampler } from './types.js';

/** Tuning for {@link createResampler}. */
export interface ResamplerOptions {
  /**
   * Speex quality 0–10. The default 3 delays 3 ms at 8 kHz (1.5 ms at 16 kHz) and is flat within
   * 1.1 dB to 3.4 kHz; 4 adds 1 ms of delay and is flat to 0.05 dB (see bench/RESULTS.md).
   */
  readonly quality?: number;
}

/** True when `rate` is one of {@link RESAMPLE_RATES}. */
export function isResampleRate(rate: number): rate is ResampleRate {
  return (RESAMPLE_RATES as readonly number[]).includes(rate);
}

/**
 * Returns a fresh streaming {@link Resampler} from `fromRate` to `toRate`: a plain copy when they
 * are equal, otherwise a {@link SpeexResampler}.
 *
 * @remarks Synchronous (the wasm module is loaded once, when this module is imported). Create one
 * resampler per stream and direction, since each carries its own filter state, and `close()` it
 * when the stream ends.
 * @throws UnsupportedResampleRateError when a rate is not 8000, 16000, 24000 or 48000.
 * @example
 * const toBot = createResampler(8000, 16000);
 * const written = toBot.process(frame.samples, frame.sampleCount, botSamples); // 160 in → 320 out
 */
export function createResampler(fromRate: number, toRate: number, options: ResamplerOptions = {}): Resampler {
  if (!isResampleRate(fromRate)) throw new UnsupportedResampleRateError(fromRate);
  if (!isResampleRate(toRate)) throw new UnsupportedResampleRateError(toRate);
  if (fromRate === toRate) return new PassThroughResampler(fromRate);
  return new SpeexResampler(speexModule, fromRate, toRate, options.quality ?? SPEEX_VOIP_QUALITY);
}

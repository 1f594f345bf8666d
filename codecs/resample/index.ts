/** Public surface of `codecs/resample/`: streaming resamplers between 8, 16, 24 and 48 kHz. */
export type { ResampleRate, Resampler } from './types.js';
export { RESAMPLE_RATES } from './types.js';
export type { ResamplerOptions } from './createResampler.js';
export { createResampler, isResampleRate } from './createResampler.js';
export { UNSUPPORTED_RESAMPLE_RATE, UnsupportedResampleRateError } from './errors.js';

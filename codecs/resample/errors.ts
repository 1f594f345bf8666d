import { RESAMPLE_RATES } from './types.js';

/** Stable code of {@link UnsupportedResampleRateError}. */
export const UNSUPPORTED_RESAMPLE_RATE = 'CW_UNSUPPORTED_RESAMPLE_RATE';

/**
 * A resampler was asked for a rate outside {@link RESAMPLE_RATES}.
 *
 * @remarks Not retryable: the same rates fail the same way; it points at a configuration or
 * codec-negotiation bug.
 */
export class UnsupportedResampleRateError extends RangeError {
  override readonly name = 'UnsupportedResampleRateError';
  /** Stable, documented code. */
  readonly code = UNSUPPORTED_RESAMPLE_RATE;
  /** The same rates cannot succeed later. */
  readonly retryable = false;
  /** The rate that was refused, in Hz. */
  readonly sampleRate: number;

  constructor(sampleRate: number) {
    super(`cannot resample ${sampleRate} Hz; supported rates are ${RESAMPLE_RATES.join(', ')} Hz`);
    this.sampleRate = sampleRate;
  }
}

import { lowBandInterval } from './lowQuantizer.js';
import { BandPredictor } from './predictor.js';
import { adaptLogScale, linearScale } from './scaleFactor.js';
import {
  LOW_CODE_NEGATIVE,
  LOW_CODE_POSITIVE,
  LOW_INITIAL_SCALE,
  LOW_LEVELS_4BIT,
  LOW_LEVELS_6BIT,
  LOW_LOG_SCALE_MAX,
  LOW_MAGNITUDE_OF_4BIT,
  LOW_SCALE_SHIFT,
  LOW_SCALE_STEPS,
} from './tables.js';
import { saturate16 } from './fixedPoint.js';

/** The lower band's decoder output is limited to 15 bits (block LIMIT). */
const OUTPUT_MIN = -16384;
const OUTPUT_MAX = 16383;

/**
 * Lower sub-band (0–4 kHz) ADPCM at 6 bits per sample. The encoder quantizes with 6 bits but
 * adapts the predictor and scale factor on the code truncated to 4 bits, so a decoder that only
 * reads 4 or 5 bits (the 48/56 kbit/s modes) stays in step; only the decoder's output uses all 6.
 */
export class LowBandAdpcm {
  /** Log scale factor NBL. */
  private logScale = 0;
  /** Quantizer step DETL. */
  private scale = LOW_INITIAL_SCALE;
  private readonly predictor = new BandPredictor();

  /** Quantizes one lower-band sample (QMF output) to its 6-bit code and adapts. */
  encode(sample: number): number {
    const error = saturate16(sample - this.predictor.estimate);
    // One's complement magnitude, as the standard's QUANTL: -1 and 0 fall in the same interval.
    const magnitude = error >= 0 ? error : -1 - error;
    const interval = lowBandInterval(magnitude, this.scale);
    const code = error < 0 ? LOW_CODE_NEGATIVE[interval]! : LOW_CODE_POSITIVE[interval]!;
    this.adapt(code >> 2);
    return code;
  }

  /** Reconstructs one lower-band sample from its 6-bit code and adapts. */
  decode(code: number): number {
    const level = (this.scale * LOW_LEVELS_6BIT[code]!) >> 15;
    const sample = this.predictor.estimate + level;
    this.adapt(code >> 2);
    return sample < OUTPUT_MIN ? OUTPUT_MIN : sample > OUTPUT_MAX ? OUTPUT_MAX : sample;
  }

  /** INVQAL, LOGSCL, SCALEL and the predictor update, all driven by the 4-bit code. */
  private adapt(code4: number): void {
    const difference = (this.scale * LOW_LEVELS_4BIT[code4]!) >> 15;
    this.logScale = adaptLogScale(this.logScale, LOW_SCALE_STEPS[LOW_MAGNITUDE_OF_4BIT[code4]!]!, LOW_LOG_SCALE_MAX);
    this.scale = linearScale(this.logScale, LOW_SCALE_SHIFT);
    this.predictor.update(difference);
  }
}

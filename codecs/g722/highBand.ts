import { BandPredictor } from './predictor.js';
import { adaptLogScale, linearScale } from './scaleFactor.js';
import {
  HIGH_CODE_NEGATIVE,
  HIGH_CODE_POSITIVE,
  HIGH_DECISION_LEVEL,
  HIGH_INITIAL_SCALE,
  HIGH_LEVELS,
  HIGH_LOG_SCALE_MAX,
  HIGH_SCALE_SHIFT,
  HIGH_SCALE_STEPS,
} from './tables.js';
import { saturate16 } from './fixedPoint.js';

/** The higher band's decoder output is limited to 15 bits (block LIMIT). */
const OUTPUT_MIN = -16384;
const OUTPUT_MAX = 16383;

/** Higher sub-band (4–8 kHz) ADPCM at 2 bits per sample: sign plus inner/outer interval. */
export class HighBandAdpcm {
  /** Log scale factor NBH. */
  private logScale = 0;
  /** Quantizer step DETH. */
  private scale = HIGH_INITIAL_SCALE;
  private readonly predictor = new BandPredictor();

  /** Quantizes one higher-band sample (QMF output) to its 2-bit code and adapts. */
  encode(sample: number): number {
    const error = saturate16(sample - this.predictor.estimate);
    const magnitude = error >= 0 ? error : -1 - error;
    const interval = magnitude >= (HIGH_DECISION_LEVEL * this.scale) >> 12 ? 2 : 1;
    const code = error < 0 ? HIGH_CODE_NEGATIVE[interval]! : HIGH_CODE_POSITIVE[interval]!;
    this.adapt(code);
    return code;
  }

  /** Reconstructs one higher-band sample from its 2-bit code and adapts. */
  decode(code: number): number {
    const sample = this.predictor.estimate + ((this.scale * HIGH_LEVELS[code]!) >> 15);
    this.adapt(code);
    return sample < OUTPUT_MIN ? OUTPUT_MIN : sample > OUTPUT_MAX ? OUTPUT_MAX : sample;
  }

  /** INVQAH, LOGSCH, SCALEH and the predictor update. */
  private adapt(code: number): void {
    const difference = (this.scale * HIGH_LEVELS[code]!) >> 15;
    this.logScale = adaptLogScale(this.logScale, HIGH_SCALE_STEPS[code]!, HIGH_LOG_SCALE_MAX);
    this.scale = linearScale(this.logScale, HIGH_SCALE_SHIFT);
    this.predictor.update(difference);
  }
}

import { saturate16 } from './fixedPoint.js';

/** Order of the zero (FIR) section of the band predictor. */
const ZERO_ORDER = 6;
/** APL2 is limited to ±12288 (UPPOL2). */
const POLE2_LIMIT = 12288;
/** APL1 is limited to ±(15360 − APL2) (UPPOL1), which keeps the pole section stable. */
const POLE1_BOUND = 15360;
/** Leakage of the second pole coefficient, Q15. */
const POLE2_LEAK = 32512;
/** Leakage of the first pole and the zero coefficients, Q15. */
const POLE1_ZERO_LEAK = 32640;

/**
 * The adaptive pole-zero predictor every G.722 sub-band carries (blocks RECONS, PARREC, UPPOL1,
 * UPPOL2, UPZERO, DELAYA, FILTEP, FILTEZ and PREDIC of the standard): two pole coefficients fed by
 * the reconstructed signal and six zero coefficients fed by the quantized difference signal.
 * Encoder and decoder run the same updates on the same 4-bit (lower) or 2-bit (higher) difference,
 * which is what keeps them in step.
 */
export class BandPredictor {
  /** Predicted sample for the next input (SL/SH). */
  estimate = 0;
  /** Output of the zero section alone (SZL/SZH), needed for the partial reconstruction. */
  private zeroEstimate = 0;
  /** Pole coefficients AL1, AL2. */
  private pole1 = 0;
  private pole2 = 0;
  /** Reconstructed signal one and two samples back (RLT1, RLT2). */
  private reconstructed1 = 0;
  private reconstructed2 = 0;
  /** Partially reconstructed signal one and two samples back (PLT1, PLT2); only their signs matter. */
  private partial1 = 0;
  private partial2 = 0;
  /** Zero coefficients BL1..BL6. */
  private readonly zeros = new Int32Array(ZERO_ORDER);
  /** Quantized difference signal one to six samples back (DLT1..DLT6), newest first. */
  private readonly differences = new Int32Array(ZERO_ORDER);

  /** Takes the quantized difference of the current sample and predicts the next one into {@link estimate}. */
  update(difference: number): void {
    const reconstructed = saturate16(this.estimate + difference);
    const partial = saturate16(this.zeroEstimate + difference);

    // UPPOL2 then UPPOL1: sign-sign gradient steps; zero counts as positive (the sign bit is 0).
    const partialNegative = partial < 0;
    const sameSign1 = partialNegative === this.partial1 < 0;
    const sameSign2 = partialNegative === this.partial2 < 0;
    const pole1Times4 = saturate16(this.pole1 * 4);
    // `0 - x`, not `-x`: negating a zero gives -0, which V8 cannot keep in an integer register.
    const gradient = saturate16(sameSign1 ? 0 - pole1Times4 : pole1Times4) >> 7;
    let pole2 = gradient + (sameSign2 ? 128 : -128) + ((this.pole2 * POLE2_LEAK) >> 15);
    pole2 = pole2 > POLE2_LIMIT ? POLE2_LIMIT : pole2 < -POLE2_LIMIT ? -POLE2_LIMIT : pole2;
    let pole1 = saturate16((sameSign1 ? 192 : -192) + ((this.pole1 * POLE1_ZERO_LEAK) >> 15));
    const pole1Limit = POLE1_BOUND - pole2;
    pole1 = pole1 > pole1Limit ? pole1Limit : pole1 < -pole1Limit ? -pole1Limit : pole1;

    // UPZERO on the old difference history, then DELAYA shifts the new difference in.
    const zeros = this.zeros;
    const differences = this.differences;
    const step = difference === 0 ? 0 : 128;
    const differenceNegative = difference < 0;
    for (let i = 0; i < ZERO_ORDER; i++) {
      const signed = (differences[i]! < 0) === differenceNegative ? step : 0 - step;
      zeros[i] = saturate16(signed + ((zeros[i]! * POLE1_ZERO_LEAK) >> 15));
    }
    for (let i = ZERO_ORDER - 1; i > 0; i--) differences[i] = differences[i - 1]!;
    differences[0] = difference;

    this.partial2 = this.partial1;
    this.partial1 = partial;
    this.reconstructed2 = this.reconstructed1;
    this.reconstructed1 = reconstructed;
    this.pole1 = pole1;
    this.pole2 = pole2;

    // FILTEP, FILTEZ, PREDIC with the updated coefficients and delay lines.
    const poleEstimate = saturate16(
      ((pole1 * saturate16(reconstructed + reconstructed)) >> 15) +
        ((pole2 * saturate16(this.reconstructed2 + this.reconstructed2)) >> 15),
    );
    // The six terms are summed unlimited and limited once: limiting after each term gives other
    // outputs on extreme inputs, and spandsp agrees with this order (fixture `runbytes`).
    let zeroSum = 0;
    for (let i = 0; i < ZERO_ORDER; i++) {
      const doubled = saturate16(differences[i]! * 2);
      zeroSum += (zeros[i]! * doubled) >> 15;
    }
    this.zeroEstimate = saturate16(zeroSum);
    this.estimate = saturate16(poleEstimate + this.zeroEstimate);
  }
}

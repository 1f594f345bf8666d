/**
 * The 24 QMF coefficients of G.722 (shared by the transmit and receive QMF), scaled by 2^13.
 * The filter is symmetric, `h[i] === h[23 - i]`, and its taps sum to 8192.
 */
export const QMF_COEFFICIENTS = Int32Array.of(
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
);

const TAPS = 24;
const HALF_TAPS = 12;

/**
 * Transmit QMF: splits 16 kHz PCM into a lower and a higher 8 kHz sub-band, one input pair at a
 * time. The history is a ring written twice (at `i` and `i + 24`), so the 24 newest samples are
 * always contiguous and no sample is ever shifted.
 */
export class QmfAnalysis {
  /** Lower-band output of the last {@link push}. */
  low = 0;
  /** Higher-band output of the last {@link push}. */
  high = 0;
  private readonly history = new Int32Array(2 * TAPS);
  private start = 0;

  /** Takes two consecutive samples (`earlier` then `later`) and computes {@link low} and {@link high}. */
  push(earlier: number, later: number): void {
    const history = this.history;
    let start = this.start;
    history[start] = earlier;
    history[start + TAPS] = earlier;
    start = start + 1 === TAPS ? 0 : start + 1;
    history[start] = later;
    history[start + TAPS] = later;
    start = start + 1 === TAPS ? 0 : start + 1;
    this.start = start;
    // The window history[start .. start + 23] runs oldest to newest; with a symmetric filter the
    // even taps meet the earlier sample of each pair and the odd taps the later one.
    let even = 0;
    let odd = 0;
    for (let i = 0; i < TAPS; i += 2) {
      even += QMF_COEFFICIENTS[i]! * history[start + i]!;
      odd += QMF_COEFFICIENTS[i + 1]! * history[start + i + 1]!;
    }
    // |sum| ≤ 32768 × Σ|h| = 32768 × 12964, so the shifted outputs stay within ±25928: no limiting.
    this.low = (odd + even) >> 14;
    this.high = (odd - even) >> 14;
  }
}

/**
 * Receive QMF: merges one reconstructed lower/higher sub-band pair into two 16 kHz samples. Keeps
 * the last 12 sums and differences of the sub-bands, in the same doubled ring as {@link QmfAnalysis}.
 * The outputs are not limited: near full scale they can exceed int16 (up to ±103712, that is
 * 32768 × 6482 / 2048, 6482 being the sum of |h| over either tap parity), and the caller decides
 * how to bring them back (the decoder limits them).
 */
export class QmfSynthesis {
  /** First (earlier) output sample of the last {@link push}, unlimited. */
  earlier = 0;
  /** Second (later) output sample of the last {@link push}, unlimited. */
  later = 0;
  private readonly differences = new Int32Array(2 * HALF_TAPS);
  private readonly sums = new Int32Array(2 * HALF_TAPS);
  private start = 0;

  /** Takes one reconstructed sub-band pair and computes {@link earlier} and {@link later}. */
  push(low: number, high: number): void {
    const start = this.start === 0 ? HALF_TAPS - 1 : this.start - 1;
    this.start = start;
    const difference = low - high;
    const sum = low + high;
    this.differences[start] = difference;
    this.differences[start + HALF_TAPS] = difference;
    this.sums[start] = sum;
    this.sums[start + HALF_TAPS] = sum;
    // Window index 0 is the newest pair: differences meet the even taps, sums the odd taps.
    let first = 0;
    let second = 0;
    for (let i = 0; i < HALF_TAPS; i++) {
      first += QMF_COEFFICIENTS[2 * i]! * this.differences[start + i]!;
      second += QMF_COEFFICIENTS[2 * i + 1]! * this.sums[start + i]!;
    }
    this.earlier = first >> 11;
    this.later = second >> 11;
  }
}

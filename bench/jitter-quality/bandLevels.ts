/**
 * Short-time band levels of speech: a Hann-windowed 20 ms FFT folded into mel-spaced bands, in dB.
 * What the quality measure of `bench --jitter` compares, window by window.
 */

/** Window length of one analysis, seconds: one frame, so a lost frame is not smeared over its neighbours. */
export const ANALYSIS_WINDOW_S = 0.02;

/** Lowest band edge, Hz: below the telephone band's useful content. */
const LOWEST_HZ = 80;
/** Highest band edge as a fraction of Nyquist: clear of the codecs' anti-alias roll-off. */
const HIGHEST_OF_NYQUIST = 0.95;

/** The power added to every band so that silence has a finite level: its level, dB. */
const SILENT_POWER = 1e-12;
const SILENT_DB = 10 * Math.log10(SILENT_POWER);

const mel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
const hzOfMel = (value: number): number => 700 * (10 ** (value / 2595) - 1);

/**
 * Computes the level of each mel band (24 at narrowband rates, 32 at wideband) of one window of
 * PCM16 samples. Reuses its buffers: one instance per sample rate, not thread-shared.
 */
export class BandAnalyzer {
  /** Samples per analysis window. */
  readonly windowSamples: number;
  /** Bands per window. */
  readonly bandCount: number;
  readonly #fftSize: number;
  readonly #hann: Float64Array;
  /** The real window packed as fftSize / 2 complex values (even samples real, odd imaginary). */
  readonly #real: Float64Array;
  readonly #imag: Float64Array;
  /** Twiddles of the half-size transform, and of the split that unpacks it into the real spectrum. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #splitCos: Float64Array;
  readonly #splitSin: Float64Array;
  readonly #bitReverse: Uint32Array;
  /** |X[k]|² for bins 0 … fftSize / 2 − 1. */
  readonly #power: Float64Array;
  /** Per band: first bin, and the triangular weights of its bins (flattened). */
  readonly #bandStart: Uint32Array;
  readonly #bandLength: Uint32Array;
  readonly #bandWeightOffset: Uint32Array;
  readonly #weights: Float64Array;

  constructor(sampleRate: number) {
    if (!(sampleRate >= 4000)) throw new RangeError(`BandAnalyzer needs a sample rate ≥ 4000 Hz, got ${sampleRate}`);
    this.windowSamples = Math.round(sampleRate * ANALYSIS_WINDOW_S);
    let size = 1;
    while (size < this.windowSamples) size <<= 1;
    this.#fftSize = size;
    this.#hann = Float64Array.from({ length: this.windowSamples }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / this.windowSamples));
    const half = size / 2;
    this.#real = new Float64Array(half);
    this.#imag = new Float64Array(half);
    this.#power = new Float64Array(half);
    this.#cos = Float64Array.from({ length: half / 2 }, (_, i) => Math.cos((-2 * Math.PI * i) / half));
    this.#sin = Float64Array.from({ length: half / 2 }, (_, i) => Math.sin((-2 * Math.PI * i) / half));
    this.#splitCos = Float64Array.from({ length: half }, (_, k) => Math.cos((-2 * Math.PI * k) / size));
    this.#splitSin = Float64Array.from({ length: half }, (_, k) => Math.sin((-2 * Math.PI * k) / size));
    const bits = Math.log2(half);
    this.#bitReverse = Uint32Array.from({ length: half }, (_, i) => {
      let reversed = 0;
      for (let b = 0; b < bits; b++) reversed |= ((i >> b) & 1) << (bits - 1 - b);
      return reversed;
    });
    this.bandCount = sampleRate > 12000 ? 32 : 24;
    const binHz = sampleRate / size;
    const low = mel(LOWEST_HZ);
    const high = mel((HIGHEST_OF_NYQUIST * sampleRate) / 2);
    const edges = Float64Array.from({ length: this.bandCount + 2 }, (_, i) => hzOfMel(low + ((high - low) * i) / (this.bandCount + 1)));
    this.#bandStart = new Uint32Array(this.bandCount);
    this.#bandLength = new Uint32Array(this.bandCount);
    this.#bandWeightOffset = new Uint32Array(this.bandCount);
    const weights: number[] = [];
    for (let band = 0; band < this.bandCount; band++) {
      const [left, centre, right] = [edges[band]!, edges[band + 1]!, edges[band + 2]!];
      const first = Math.max(1, Math.ceil(left / binHz));
      const last = Math.max(first, Math.floor(right / binHz));
      this.#bandStart[band] = first;
      this.#bandLength[band] = last - first + 1;
      this.#bandWeightOffset[band] = weights.length;
      for (let bin = first; bin <= last; bin++) {
        const hz = bin * binHz;
        // Triangular, but never zero: a band narrower than a bin still sees its nearest bin.
        const weight = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
        weights.push(Math.max(0.05, Math.min(1, weight)));
      }
    }
    this.#weights = Float64Array.from(weights);
  }

  /**
   * Writes the band levels (dB of the weighted power, 0 dB = a full-scale sine's bin) of
   * `samples[start, start + windowSamples)` into `out[offset, offset + bandCount)`; samples at or
   * beyond `end` (default the array's length) count as zeros.
   */
  analyze(samples: Int16Array, start: number, out: Float32Array, offset: number, end = samples.length): void {
    const real = this.#real;
    const imag = this.#imag;
    const size = this.#fftSize;
    const n = this.windowSamples;
    real.fill(0);
    imag.fill(0);
    const reverse = this.#bitReverse;
    const hann = this.#hann;
    const weights = this.#weights;
    let silent = true;
    for (let i = 0; i < n; i++) {
      const at = start + i;
      const sample = at >= 0 && at < end ? samples[at]! / 32768 : 0;
      if (sample !== 0) silent = false;
      const slot = reverse[i >> 1]!;
      if ((i & 1) === 0) real[slot] = sample * hann[i]!;
      else imag[slot] = sample * hann[i]!;
    }
    if (silent) {
      // Digital silence (a faded-out gap): every band at the bottom, no transform needed.
      out.fill(SILENT_DB, offset, offset + this.bandCount);
      return;
    }
    this.#transform();
    this.#unpackPower();
    const power = this.#power;
    const scale = 4 / (n * n);
    for (let band = 0; band < this.bandCount; band++) {
      const first = this.#bandStart[band]!;
      const length = this.#bandLength[band]!;
      const weightOffset = this.#bandWeightOffset[band]!;
      let bandPower = 0;
      let weightSum = 0;
      for (let k = 0; k < length; k++) {
        const bin = first + k;
        if (bin >= size / 2) break;
        const weight = weights[weightOffset + k]!;
        bandPower += weight * power[bin]!;
        weightSum += weight;
      }
      out[offset + band] = 10 * Math.log10((scale * bandPower) / Math.max(weightSum, 1e-9) + SILENT_POWER);
    }
  }

  /**
   * The power spectrum of the real window from the half-size transform Z of its packed form:
   * X[k] = E[k] + W^k·O[k], with E = (Z[k] + conj Z[−k]) / 2 and O = (Z[k] − conj Z[−k]) / 2i.
   */
  #unpackPower(): void {
    const real = this.#real;
    const imag = this.#imag;
    const power = this.#power;
    const cos = this.#splitCos;
    const sin = this.#splitSin;
    const half = real.length;
    for (let k = 0; k < half; k++) {
      const mirror = k === 0 ? 0 : half - k;
      const evenRe = (real[k]! + real[mirror]!) / 2;
      const evenIm = (imag[k]! - imag[mirror]!) / 2;
      const oddRe = (imag[k]! + imag[mirror]!) / 2;
      const oddIm = (real[mirror]! - real[k]!) / 2;
      const re = evenRe + cos[k]! * oddRe - sin[k]! * oddIm;
      const im = evenIm + cos[k]! * oddIm + sin[k]! * oddRe;
      power[k] = re * re + im * im;
    }
  }

  /** In-place iterative radix-2 FFT of the bit-reversed packed input (fftSize / 2 points). */
  #transform(): void {
    const real = this.#real;
    const imag = this.#imag;
    const size = real.length;
    const cos = this.#cos;
    const sin = this.#sin;
    for (let half = 1; half < size; half <<= 1) {
      const step = size / (2 * half);
      for (let start = 0; start < size; start += 2 * half) {
        for (let k = 0; k < half; k++) {
          const c = cos[k * step]!;
          const s = sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const re = real[b]! * c - imag[b]! * s;
          const im = real[b]! * s + imag[b]! * c;
          real[b] = real[a]! - re;
          imag[b] = imag[a]! - im;
          real[a] = real[a]! + re;
          imag[a] = imag[a]! + im;
        }
      }
    }
  }
}

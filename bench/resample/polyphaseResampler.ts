import { checkProcessArguments } from '../../codecs/resample/checkProcessArguments.js';
import type { PolyphaseFilter } from './polyphaseFilter.js';
import type { Resampler } from '../../codecs/resample/types.js';

/**
 * Bench candidate written for callwire, not shipped: Speex in wasm costs 4–6× less per frame at the
 * same delay (bench/RESULTS.md). A windowed-sinc FIR evaluated only at the output instants
 * (polyphase), causal, so each output sample is ready as soon as the input it needs has arrived.
 *
 * @remarks Allocates nothing in `process`. Output n is computed when input ⌊n·M/L⌋ arrives, so
 * after T input samples exactly ⌈T·L/M⌉ outputs exist, whatever the frame boundaries were.
 *
 * @example
 * const up = new PolyphaseResampler(8000, 16000, designPolyphaseFilter(8000, 16000));
 * const written = up.process(frame160, 160, out320); // 320
 */
export class PolyphaseResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delayMs: number;
  readonly #upFactor: number;
  readonly #downFactor: number;
  readonly #taps: number;
  readonly #coefficients: Float64Array;
  /** The last `taps` inputs, stored twice so every window is one contiguous run. */
  readonly #history: Float64Array;
  #writeIndex = 0;
  /** Next output's position minus the end of the input seen, in units of 1/(inputRate·L) s. */
  #nextOutputOffset = 0;

  constructor(inputRate: number, outputRate: number, filter: PolyphaseFilter) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.delayMs = filter.delayMs;
    this.#upFactor = filter.upFactor;
    this.#downFactor = filter.downFactor;
    this.#taps = filter.tapsPerPhase;
    this.#coefficients = filter.coefficients;
    this.#history = new Float64Array(2 * filter.tapsPerPhase);
  }

  /** {@inheritDoc Resampler.maxOutputCount} */
  maxOutputCount(inputCount: number): number {
    return Math.ceil((inputCount * this.#upFactor) / this.#downFactor);
  }

  /** {@inheritDoc Resampler.process} */
  process(input: Int16Array, inputCount: number, output: Int16Array): number {
    checkProcessArguments(this, input, inputCount, output);
    const up = this.#upFactor;
    const down = this.#downFactor;
    const taps = this.#taps;
    const unrolledTaps = taps - (taps % 4);
    const coefficients = this.#coefficients;
    const history = this.#history;
    let writeIndex = this.#writeIndex;
    let offset = this.#nextOutputOffset;
    let written = 0;
    for (let k = 0; k < inputCount; k++) {
      const sample = input[k]!;
      history[writeIndex] = sample;
      history[writeIndex + taps] = sample;
      writeIndex = writeIndex + 1 === taps ? 0 : writeIndex + 1;
      // After the write, the window oldest → newest is history[writeIndex, writeIndex + taps).
      offset -= up;
      while (offset < 0) {
        const base = (offset + up) * taps;
        // Four running sums: one sum would be bound by the latency of each addition.
        let acc0 = 0;
        let acc1 = 0;
        let acc2 = 0;
        let acc3 = 0;
        let i = 0;
        for (; i < unrolledTaps; i += 4) {
          acc0 += coefficients[base + i]! * history[writeIndex + i]!;
          acc1 += coefficients[base + i + 1]! * history[writeIndex + i + 1]!;
          acc2 += coefficients[base + i + 2]! * history[writeIndex + i + 2]!;
          acc3 += coefficients[base + i + 3]! * history[writeIndex + i + 3]!;
        }
        for (; i < taps; i++) acc0 += coefficients[base + i]! * history[writeIndex + i]!;
        const acc = acc0 + acc1 + (acc2 + acc3);
        output[written++] = acc >= 32767 ? 32767 : acc <= -32768 ? -32768 : Math.round(acc);
        offset += down;
      }
    }
    this.#writeIndex = writeIndex;
    this.#nextOutputOffset = offset;
    return written;
  }

  /** {@inheritDoc Resampler.reset} */
  reset(): void {
    this.#history.fill(0);
    this.#writeIndex = 0;
    this.#nextOutputOffset = 0;
  }

  /** Nothing to release: the state is plain typed arrays. */
  close(): void {}
}

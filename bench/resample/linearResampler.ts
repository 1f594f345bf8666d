import { checkProcessArguments } from '../../codecs/resample/checkProcessArguments.js';
import type { Resampler } from '../../codecs/resample/types.js';

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Bench baseline: streaming linear interpolation with no anti-alias filter, the cheapest
 * resampler that is still continuous across frames. One input sample of delay.
 */
export class LinearResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delayMs: number;
  readonly #up: number;
  readonly #down: number;
  #previous = 0;
  #offset = 0;

  constructor(inputRate: number, outputRate: number) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = greatestCommonDivisor(inputRate, outputRate);
    this.#up = outputRate / divisor;
    this.#down = inputRate / divisor;
    this.delayMs = 1000 / inputRate;
  }

  /** {@inheritDoc Resampler.maxOutputCount} */
  maxOutputCount(inputCount: number): number {
    return Math.ceil((inputCount * this.#up) / this.#down);
  }

  /** {@inheritDoc Resampler.process} */
  process(input: Int16Array, inputCount: number, output: Int16Array): number {
    checkProcessArguments(this, input, inputCount, output);
    const up = this.#up;
    const down = this.#down;
    let previous = this.#previous;
    let offset = this.#offset;
    let written = 0;
    for (let k = 0; k < inputCount; k++) {
      const current = input[k]!;
      offset -= up;
      while (offset < 0) {
        output[written++] = Math.round(previous + ((current - previous) * (offset + up)) / up);
        offset += down;
      }
      previous = current;
    }
    this.#previous = previous;
    this.#offset = offset;
    return written;
  }

  /** {@inheritDoc Resampler.reset} */
  reset(): void {
    this.#previous = 0;
    this.#offset = 0;
  }

  /** Nothing to release. */
  close(): void {}
}

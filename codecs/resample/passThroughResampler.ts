import { checkProcessArguments } from './checkProcessArguments.js';
import type { Resampler } from './types.js';

/** The {@link Resampler} for equal rates: copies samples, adds no delay. */
export class PassThroughResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delayMs = 0;

  constructor(sampleRate: number) {
    this.inputRate = sampleRate;
    this.outputRate = sampleRate;
  }

  /** Equal to `inputCount`. */
  maxOutputCount(inputCount: number): number {
    return inputCount;
  }

  /** {@inheritDoc Resampler.process} */
  process(input: Int16Array, inputCount: number, output: Int16Array): number {
    checkProcessArguments(this, input, inputCount, output);
    // A loop, not output.set(input.subarray(...)): subarray allocates a view per call.
    for (let i = 0; i < inputCount; i++) output[i] = input[i]!;
    return inputCount;
  }

  /** Stateless: nothing to forget. */
  reset(): void {}

  /** Nothing to release. */
  close(): void {}
}

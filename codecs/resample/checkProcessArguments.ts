import type { Resampler } from './types.js';

/**
 * Throws when a `process` call would read past `input` or write past `output`. Typed arrays drop
 * out-of-range writes silently, so without this a short buffer would return a count it never wrote.
 */
export function checkProcessArguments(resampler: Resampler, input: Int16Array, inputCount: number, output: Int16Array): void {
  if (!(inputCount >= 0 && inputCount <= input.length && Number.isInteger(inputCount))) {
    throw new RangeError(`inputCount ${inputCount} is not an integer in [0, ${input.length}]`);
  }
  const needed = resampler.maxOutputCount(inputCount);
  if (output.length < needed) {
    throw new RangeError(`output holds ${output.length} samples; ${inputCount} inputs need ${needed}`);
  }
}

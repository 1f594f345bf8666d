import libsamplerate from '@alexanderolsen/libsamplerate-js';
import type { ConverterTypeValue } from '@alexanderolsen/libsamplerate-js/dist/converter-type.js';
import type { SRC } from '@alexanderolsen/libsamplerate-js/dist/src.js';
import { checkProcessArguments } from '../../codecs/resample/checkProcessArguments.js';
import type { Resampler } from '../../codecs/resample/types.js';

/** libsamplerate's converters, by the names its API uses. */
export const LibsamplerateConverter = libsamplerate.ConverterType;

/**
 * Bench candidate: libsamplerate (wasm) through its `full` streaming API, float samples in ±1.
 *
 * @remarks libsamplerate holds back the look-ahead its sinc filter needs, so its first call returns
 * fewer samples. To keep 20 ms in → 20 ms out it is primed with one frame of silence on creation
 * and reset; the held-back samples become latency, which {@link measureDelayMs} picks up.
 * Takes 20 ms frames only (its `full` reads the whole input array).
 */
export class LibsamplerateResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  delayMs = 0;
  readonly #src: SRC;
  readonly #converter: ConverterTypeValue;
  readonly #floatIn: Float32Array;
  readonly #floatOut: Float32Array;
  readonly #length = { frames: 0 };

  /** Loads the wasm module and primes the converter. */
  static async create(inputRate: number, outputRate: number, converter: ConverterTypeValue): Promise<LibsamplerateResampler> {
    const src = await libsamplerate.create(1, inputRate, outputRate, { converterType: converter });
    return new LibsamplerateResampler(src, inputRate, outputRate, converter);
  }

  private constructor(src: SRC, inputRate: number, outputRate: number, converter: ConverterTypeValue) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.#src = src;
    this.#converter = converter;
    this.#floatIn = new Float32Array(inputRate / 50);
    this.#floatOut = new Float32Array(this.maxOutputCount(inputRate / 50) + 8);
    this.#prime();
  }

  #prime(): void {
    this.#floatIn.fill(0);
    this.#src.full(this.#floatIn, this.#floatOut, this.#length);
    const shortfall = this.outputRate / 50 - this.#length.frames;
    this.delayMs = (shortfall / this.outputRate) * 1000;
  }

  /** {@inheritDoc Resampler.maxOutputCount} */
  maxOutputCount(inputCount: number): number {
    return Math.ceil((inputCount * this.outputRate) / this.inputRate) + 1;
  }

  /** {@inheritDoc Resampler.process} */
  process(input: Int16Array, inputCount: number, output: Int16Array): number {
    checkProcessArguments(this, input, inputCount, output);
    if (inputCount !== this.#floatIn.length) throw new RangeError(`libsamplerate candidate takes ${this.#floatIn.length}-sample frames`);
    const floatIn = this.#floatIn;
    for (let i = 0; i < inputCount; i++) floatIn[i] = input[i]! / 32768;
    this.#src.full(floatIn, this.#floatOut, this.#length);
    const written = this.#length.frames;
    const floatOut = this.#floatOut;
    for (let i = 0; i < written; i++) {
      const value = Math.round(floatOut[i]! * 32768);
      output[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
    }
    return written;
  }

  /** Re-initialises the converter (its setters do destroy + init) and primes it again. */
  reset(): void {
    this.#src.converterType = this.#converter;
    this.#prime();
  }

  /** Frees the converter's wasm state; idempotent. */
  close(): void {
    if (!this.#src.isDestroyed) this.#src.destroy();
  }
}

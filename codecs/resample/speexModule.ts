import loadSpeexResampler from '@echogarden/speex-resampler-wasm/simd';

/** The part of the SpeexDSP resampler's Emscripten module that callwire calls. */
export interface SpeexModule {
  readonly HEAP8: Int8Array;
  readonly HEAP16: Int16Array;
  readonly HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
  _speex_resampler_process_int(state: number, channel: number, input: number, inLengthPointer: number, output: number, outLengthPointer: number): number;
  _speex_resampler_get_input_latency(state: number): number;
  _speex_resampler_reset_mem(state: number): number;
  _speex_resampler_destroy(state: number): void;
}

/**
 * The SpeexDSP resampler's wasm instance (SIMD build, ~30 KB), shared by every resampler of the
 * process. Loaded once with top-level await, so `createResampler` can stay synchronous.
 */
export const speexModule = (await loadSpeexResampler()) as SpeexModule;

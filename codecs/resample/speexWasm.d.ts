/** @echogarden/speex-resampler-wasm ships no type declarations; `speexModule.ts` types what it uses. */
declare module '@echogarden/speex-resampler-wasm/simd' {
  /** Instantiates the Emscripten module. */
  export default function loadSpeexResampler(): Promise<unknown>;
}

/** The parts of the Sonic wasm build (`@echogarden/sonic-wasm`, Emscripten) that the stretch comparison uses. */
declare module '@echogarden/sonic-wasm' {
  /** One instance of the wasm module: Sonic's C API with Emscripten's heap and allocator. */
  export interface SonicModule {
    readonly HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _sonicCreateStream(sampleRate: number, channels: number): number;
    _sonicDestroyStream(stream: number): void;
    _sonicSetSpeed(stream: number, speed: number): void;
    _sonicWriteShortToStream(stream: number, samples: number, count: number): number;
    _sonicReadShortFromStream(stream: number, samples: number, maxCount: number): number;
  }
  /** Instantiates the module. */
  const Sonic: () => Promise<SonicModule>;
  export default Sonic;
}

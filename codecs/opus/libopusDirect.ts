/**
 * libopus called directly, through the `koffi` FFI, from the copy `@discordjs/opus` links into its
 * own addon (the addon exports libopus's symbols). The addon's wrapper hard-codes `decode_fec = 0`;
 * calling `opus_decode` ourselves is what reaches the in-band FEC, with no second libopus to
 * install. When koffi or the symbols cannot be loaded (another addon build, another platform), the
 * caller falls back to the wrapper and simply has no FEC.
 */
import { createRequire } from 'node:module';
import { loadOpusNative } from './native.js';

/** `opus_decode` and friends as koffi exposes them; `state` is libopus's opaque decoder pointer. */
interface LibopusDecodeFunctions {
  create(sampleRate: number, channels: number, error: null): unknown;
  decode(state: unknown, data: Uint8Array | null, length: number, pcm: Int16Array, frameSize: number, decodeFec: number): number;
  destroy(state: unknown): void;
}

/** Frees decoders that were never closed once their owner is collected; close() unregisters. */
const unclosed = new FinalizationRegistry<{ readonly state: unknown; readonly functions: LibopusDecodeFunctions }>((held) => {
  held.functions.destroy(held.state);
});

/** The bound functions once loaded, null when loading failed, undefined before the first try. */
let functions: LibopusDecodeFunctions | null | undefined;

/** Path of the `.node` binary `@discordjs/opus` loaded, read from the CommonJS module cache. */
function addonBinaryPath(require: NodeJS.Require): string | undefined {
  loadOpusNative();
  const entry = require.cache[require.resolve('@discordjs/opus')];
  return entry?.children.find((child) => child.filename.endsWith('.node'))?.filename;
}

/** Binds libopus's decoder functions once; null when koffi or the exported symbols are missing. */
function loadFunctions(): LibopusDecodeFunctions | null {
  if (functions !== undefined) return functions;
  functions = null;
  try {
    const require = createRequire(import.meta.url);
    const path = addonBinaryPath(require);
    if (path === undefined) return null;
    const koffi = require('koffi') as typeof import('koffi');
    const library = koffi.load(path);
    functions = {
      create: library.func('void *opus_decoder_create(int32_t Fs, int channels, int *error)'),
      decode: library.func('int opus_decode(void *st, const uint8_t *data, int32_t len, int16_t *pcm, int frame_size, int decode_fec)'),
      destroy: library.func('void opus_decoder_destroy(void *st)'),
    };
  } catch {
    // A missing optional path is the documented fallback, not an error worth surfacing.
    functions = null;
  }
  return functions;
}

/** True when libopus can be called directly here, so decoders get in-band FEC. */
export function libopusDirectAvailable(): boolean {
  return loadFunctions() !== null;
}

/**
 * One mono-or-stereo libopus decoder driven through `opus_decode` itself. Writes straight into the
 * caller's Int16Array (koffi passes typed arrays by pointer), so a decode allocates nothing.
 */
export class LibopusDecoder {
  readonly #functions: LibopusDecodeFunctions;
  #state: unknown;

  /** Use {@link openLibopusDecoder}, which returns undefined instead of throwing when unavailable. */
  private constructor(functions: LibopusDecodeFunctions, state: unknown) {
    this.#functions = functions;
    this.#state = state;
    unclosed.register(this, { state, functions }, this);
  }

  /** Creates a decoder at `sampleRate`, or undefined when direct calls are unavailable or libopus refuses. */
  static open(sampleRate: number, channels: number): LibopusDecoder | undefined {
    const bound = loadFunctions();
    if (bound === null) return undefined;
    const state = bound.create(sampleRate, channels, null);
    return state === null || state === 0n ? undefined : new LibopusDecoder(bound, state);
  }

  /**
   * `opus_decode(packet[0, length), pcm, frameSize, fec)`: returns samples per channel written to
   * `pcm` from index 0, or libopus's negative error code. `frameSize` must fit `pcm`.
   */
  decode(packet: Uint8Array, length: number, pcm: Int16Array, frameSize: number, fec: boolean): number {
    return this.#functions.decode(this.#state, packet, length, pcm, frameSize, fec ? 1 : 0);
  }

  /** Frees the libopus state now. Idempotent; the decoder must not be used afterwards. */
  destroy(): void {
    if (this.#state === undefined) return;
    unclosed.unregister(this);
    this.#functions.destroy(this.#state);
    this.#state = undefined;
  }
}

import type { OpusDecodeCore } from './decodeCore.js';
import { LibopusDecoder } from './libopusDirect.js';

/** Most samples one `opus_decode` call writes for a mono decoder: 120 ms at 48 kHz. */
const MAX_FRAME_SAMPLES = 5760;

/** libopus's error codes (opus_defines.h), for messages. */
const LIBOPUS_ERRORS: Readonly<Record<number, string>> = {
  [-1]: 'invalid argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'corrupted stream',
  [-5]: 'request not implemented',
  [-6]: 'invalid state',
  [-7]: 'memory allocation failed',
};

/**
 * {@link OpusDecodeCore} calling libopus's `opus_decode` directly, so in-band FEC is reachable.
 *
 * @remarks Allocation: none per call. libopus writes straight into `out` when decoding from its start;
 * a decode further into `out` (the 10 ms tail of a concealment) goes through one owned scratch frame.
 */
export class LibopusDecodeCore implements OpusDecodeCore {
  /** Always true: `opus_decode` is called with the caller's `decode_fec`. */
  readonly decodesInbandFec = true;
  readonly #decoder: LibopusDecoder;
  readonly #scratch: Int16Array;

  private constructor(decoder: LibopusDecoder) {
    this.#decoder = decoder;
    this.#scratch = new Int16Array(MAX_FRAME_SAMPLES);
  }

  /** A mono core at `sampleRate`, or undefined when libopus cannot be called directly here. */
  static open(sampleRate: number): LibopusDecodeCore | undefined {
    const decoder = LibopusDecoder.open(sampleRate, 1);
    return decoder === undefined ? undefined : new LibopusDecodeCore(decoder);
  }

  decodeInto(packet: Uint8Array, length: number, out: Int16Array, at: number, frameSize: number, fec: boolean): number {
    const target = at === 0 ? out : this.#scratch;
    const written = this.#decoder.decode(packet, length, target, frameSize, fec);
    if (written < 0) throw new Error(`opus_decode: ${LIBOPUS_ERRORS[written] ?? `error ${written}`}`);
    if (target !== out) for (let i = 0; i < written; i++) out[at + i] = target[i]!;
    return written;
  }

  /** Frees the libopus decoder now. Idempotent. */
  release(): void {
    this.#decoder.destroy();
  }
}

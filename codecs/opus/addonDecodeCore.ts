import type { OpusDecodeCore } from './decodeCore.js';
import { OpusCtl, type OpusNative } from './native.js';
import { OPUS_MAX_PACKET_BYTES } from './packet.js';

/** ES2024's resizable ArrayBuffer (in Node since 20), which this project's ES2023 lib does not declare. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}

/** The resizable form of the ArrayBuffer constructor. */
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/**
 * {@link OpusDecodeCore} over `@discordjs/opus`'s wrapper: the fallback when libopus cannot be called
 * directly. No in-band FEC (the wrapper passes `decode_fec = 0`).
 *
 * @remarks Allocation: the addon returns a new Buffer per decoded packet, copied into `out`; that one
 * is forced by the addon. Payloads shorter than their buffer go through one resizable scratch buffer,
 * and the byte view of `out` is kept while the caller reuses the same `out`.
 */
export class AddonDecodeCore implements OpusDecodeCore {
  /** Always false: the wrapper hard-codes `decode_fec = 0`. */
  readonly decodesInbandFec = false;
  readonly #native: OpusNative;
  readonly #scratch: ResizableArrayBuffer;
  readonly #scratchView: Uint8Array;
  #out: Int16Array | undefined;
  #outBytes: Uint8Array | undefined;

  constructor(native: OpusNative) {
    this.#native = native;
    // Creates the native decoder now, so a failure surfaces at call setup rather than on the first packet.
    native.applyDecoderCTL(OpusCtl.SetGain, 0);
    this.#scratch = new ResizableArrayBuffer(0, { maxByteLength: OPUS_MAX_PACKET_BYTES });
    this.#scratchView = new Uint8Array(this.#scratch);
  }

  /** `fec` and `frameSize` are not passed on: the wrapper decodes the whole packet, without FEC. */
  decodeInto(packet: Uint8Array, length: number, out: Int16Array, at: number, _frameSize: number, _fec: boolean): number {
    let exact = packet;
    if (length !== packet.length) {
      // The addon takes the packet length from the view, so a reused, longer buffer needs an exact-length view.
      this.#scratch.resize(length);
      exact = this.#scratchView;
      for (let i = 0; i < length; i++) exact[i] = packet[i]!;
    }
    const pcm = this.#native.decode(exact);
    if (out !== this.#out || this.#outBytes === undefined) {
      this.#out = out;
      this.#outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    this.#outBytes.set(pcm, at * 2);
    return pcm.length >> 1;
  }

  /** Drops the last `out`; the addon has no destroy, its finalizer frees libopus after GC. */
  release(): void {
    this.#out = undefined;
    this.#outBytes = undefined;
  }
}

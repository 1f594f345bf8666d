import { openOpusCoders } from './openCoders.js';
import { UnsupportedCodecError } from '../errors.js';
import type { AudioDecoder, LossRecovery } from '../types.js';
import { OpusCodecError, OpusErrorCode } from './errors.js';
import { OpusCtl, loadOpusNative, type OpusNative, type OpusNativeConstructor } from './native.js';
import { OPUS_SAMPLE_RATES, concealmentToc, isOpusSampleRate, opusPacketSampleCount } from './packet.js';

/** Largest payload accepted: 120 ms at Opus's 510 kb/s ceiling, plus framing bytes. */
export const OPUS_MAX_PACKET_BYTES = 7680;

/** ES2024's resizable ArrayBuffer (in Node since 20), which this project's ES2023 lib does not declare. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}

/** The resizable form of the ArrayBuffer constructor. */
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** Settings of an {@link OpusFrameDecoder}. */
export interface OpusDecoderOptions {
  /** Output rate in Hz: 8000, 16000, 24000 or 48000 (Telnyx's `media_format.sample_rate`). */
  readonly sampleRate: number;
  /** Binding class to use instead of `@discordjs/opus`'s; for tests. */
  readonly native?: OpusNativeConstructor;
}

/**
 * Mono Opus {@link AudioDecoder} for one call, with libopus's own packet-loss concealment.
 *
 * @remarks
 * - Allocation: `@discordjs/opus` returns a new Buffer per decoded packet (2 bytes per sample,
 *   plus the Buffer object); that one is forced by the addon and is copied into `out`. Everything
 *   else is owned by the instance: payloads shorter than their buffer go through one resizable
 *   scratch buffer, and the byte view of `out` is kept while the caller reuses the same `out`.
 * - {@link concealLoss} is real libopus PLC: it decodes a one-byte TOC-only packet, which libopus
 *   treats as a lost frame of that duration (proved equal to `opus_decode(NULL)` in the tests).
 * - {@link recoverFromNext} always returns 0: the addon calls `opus_decode` with `decode_fec = 0`
 *   and no CTL changes that, so in-band FEC carried by the next packet cannot be decoded here.
 * - Holds a reference to the last `out` it wrote until {@link close}.
 */
export class OpusFrameDecoder implements AudioDecoder, LossRecovery {
  /** Output rate in Hz. */
  readonly sampleRate: number;
  #native: OpusNative | undefined;
  readonly #scratch: ResizableArrayBuffer;
  readonly #scratchView: Uint8Array;
  readonly #tocPacket: Uint8Array;
  #out: Int16Array | undefined;
  #outBytes: Uint8Array;
  #lastToc: number;

  /** @throws {@link UnsupportedCodecError} for a rate outside {@link OPUS_SAMPLE_RATES}. */
  constructor(options: OpusDecoderOptions) {
    const { sampleRate } = options;
    if (!isOpusSampleRate(sampleRate)) {
      throw new UnsupportedCodecError('OPUS', sampleRate, `OPUS is supported at ${OPUS_SAMPLE_RATES.join('/')} Hz, got ${sampleRate} Hz`);
    }
    this.sampleRate = sampleRate;
    const Native = options.native ?? loadOpusNative();
    this.#native = new Native(sampleRate, 1);
    // Creates the native decoder now, so a failure surfaces at call setup rather than on the first packet.
    this.#native.applyDecoderCTL(OpusCtl.SetGain, 0);
    this.#scratch = new ResizableArrayBuffer(0, { maxByteLength: OPUS_MAX_PACKET_BYTES });
    openOpusCoders.decoders++;
    this.#scratchView = new Uint8Array(this.#scratch);
    this.#tocPacket = new Uint8Array(1);
    this.#out = undefined;
    this.#outBytes = this.#tocPacket;
    this.#lastToc = -1;
  }

  /** True once {@link close} has run. */
  get closed(): boolean {
    return this.#native === undefined;
  }

  /**
   * Decodes the Opus packet `payload[0, length)` into `out`; returns samples written.
   *
   * @throws {@link OpusCodecError} `CW_OPUS_INVALID_PACKET` for an empty, oversized or malformed
   * packet and `CW_OPUS_OUTPUT_TOO_SMALL` when its duration exceeds `out` (both leave the decoder
   * state untouched), `CW_OPUS_CLOSED` after {@link close}.
   */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    const native = this.#open();
    const size = length < payload.length ? length : payload.length;
    if (!(size > 0)) throw new OpusCodecError(OpusErrorCode.InvalidPacket, 'empty Opus payload');
    if (size > OPUS_MAX_PACKET_BYTES) {
      throw new OpusCodecError(OpusErrorCode.InvalidPacket, `Opus payload of ${size} bytes exceeds ${OPUS_MAX_PACKET_BYTES}`);
    }
    const samples = opusPacketSampleCount(payload, size, this.sampleRate);
    if (samples < 0) throw new OpusCodecError(OpusErrorCode.InvalidPacket, 'Opus packet has invalid TOC framing');
    if (samples > out.length) {
      throw new OpusCodecError(OpusErrorCode.OutputTooSmall, `Opus packet holds ${samples} samples, output holds ${out.length}`);
    }
    let packet = payload;
    if (size !== payload.length) {
      // The addon takes the packet length from the view, so a reused, longer buffer needs an exact-length view.
      this.#scratch.resize(size);
      packet = this.#scratchView;
      for (let i = 0; i < size; i++) packet[i] = payload[i]!;
    }
    const written = this.#decodeInto(native, packet, out, 0);
    this.#lastToc = payload[0]!;
    return written;
  }

  /**
   * Writes libopus's concealment for `sampleCount` lost samples into `out`, in 20 ms and then 10 ms
   * steps; returns samples written: `sampleCount` (capped at `out.length`) rounded down to 10 ms,
   * or 0 before the first packet, when libopus has nothing to extrapolate from.
   */
  concealLoss(out: Int16Array, sampleCount: number): number {
    const native = this.#open();
    if (this.#lastToc < 0 || !(sampleCount > 0)) return 0;
    const step = this.sampleRate / 100;
    let budget = sampleCount < out.length ? sampleCount : out.length;
    budget -= budget % step;
    let written = 0;
    const toc = this.#tocPacket;
    while (budget - written >= 2 * step) {
      toc[0] = concealmentToc(this.#lastToc, 20);
      written += this.#decodeInto(native, toc, out, written);
    }
    if (budget - written >= step) {
      toc[0] = concealmentToc(this.#lastToc, 10);
      written += this.#decodeInto(native, toc, out, written);
    }
    return written;
  }

  /**
   * Always 0 (no FEC recovery): `@discordjs/opus` decodes with `decode_fec = 0`, so the redundancy
   * in `nextPayload` is unreachable; callers conceal with {@link concealLoss} instead.
   */
  recoverFromNext(_nextPayload: Uint8Array, _length: number, _out: Int16Array, _sampleCount: number): number {
    this.#open();
    return 0;
  }

  /** Drops the native decoder (the addon has no destroy; its finalizer frees it after GC). Idempotent. */
  close(): void {
    if (this.#native !== undefined) openOpusCoders.decoders--;
    this.#native = undefined;
    this.#out = undefined;
    this.#outBytes = this.#tocPacket;
  }

  #open(): OpusNative {
    const native = this.#native;
    if (native === undefined) throw new OpusCodecError(OpusErrorCode.Closed, 'Opus decoder is closed');
    return native;
  }

  /** Decodes `packet` and copies the addon's Buffer into `out` from sample `at`; returns samples. */
  #decodeInto(native: OpusNative, packet: Uint8Array, out: Int16Array, at: number): number {
    let pcm: Buffer;
    try {
      pcm = native.decode(packet);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OpusCodecError(OpusErrorCode.InvalidPacket, `libopus rejected the packet: ${reason}`, { cause: error });
    }
    if (out !== this.#out) {
      this.#out = out;
      this.#outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    this.#outBytes.set(pcm, at * 2);
    return pcm.length >> 1;
  }
}

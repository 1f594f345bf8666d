import { openOpusCoders } from './openCoders.js';
import { UnsupportedCodecError } from '../errors.js';
import type { AudioDecoder, LossRecovery } from '../types.js';
import { AddonDecodeCore } from './addonDecodeCore.js';
import type { OpusDecodeCore } from './decodeCore.js';
import { OpusCodecError, OpusErrorCode } from './errors.js';
import { carriesInbandFec } from './inbandFec.js';
import { LibopusDecodeCore } from './libopusDecodeCore.js';
import { loadOpusNative, type OpusNativeConstructor } from './native.js';
import { OPUS_MAX_PACKET_BYTES, OPUS_SAMPLE_RATES, concealmentToc, isOpusSampleRate, opusFrameSampleCount, opusPacketSampleCount } from './packet.js';

export { OPUS_MAX_PACKET_BYTES } from './packet.js';

/** First TOC configuration of the CELT-only modes, which carry no FEC. */
const FIRST_CELT_CONFIG = 16;

/** Settings of an {@link OpusFrameDecoder}. */
export interface OpusDecoderOptions {
  /** Output rate in Hz: 8000, 16000, 24000 or 48000 (Telnyx's `media_format.sample_rate`). */
  readonly sampleRate: number;
  /**
   * Binding class to use instead of calling libopus directly; for tests. Decoding then goes through
   * the addon's wrapper, which has no in-band FEC.
   */
  readonly native?: OpusNativeConstructor;
}

/**
 * Mono Opus {@link AudioDecoder} for one call, with libopus's own packet-loss concealment and, where
 * libopus can be called directly, in-band FEC.
 *
 * @remarks
 * - Decoding calls libopus's `opus_decode` directly (the copy linked into `@discordjs/opus`, through
 *   koffi), which reaches `decode_fec` and allocates nothing per packet. Where that is unavailable it
 *   falls back to the addon's wrapper (a new Buffer per packet, copied into `out`; no FEC).
 * - {@link concealLoss} is real libopus PLC: it decodes a one-byte TOC-only packet, which libopus
 *   treats as a lost frame of that duration (proved equal to `opus_decode(NULL)` in the tests).
 * - {@link recoverFromNext} decodes the SILK LBRR frame the next packet carries for the lost one
 *   (`decode_fec = 1`) and returns 0 when the packet carries none, or on the fallback binding.
 * - On the fallback, holds a reference to the last `out` it wrote until {@link close}.
 */
export class OpusFrameDecoder implements AudioDecoder, LossRecovery {
  /** Output rate in Hz. */
  readonly sampleRate: number;
  /** Whether {@link recoverFromNext} can decode in-band FEC (false on the addon-wrapper fallback). */
  readonly inbandFec: boolean;
  #core: OpusDecodeCore | undefined;
  readonly #tocPacket: Uint8Array;
  #lastToc: number;

  /** @throws {@link UnsupportedCodecError} for a rate outside {@link OPUS_SAMPLE_RATES}. */
  constructor(options: OpusDecoderOptions) {
    const { sampleRate } = options;
    if (!isOpusSampleRate(sampleRate)) {
      throw new UnsupportedCodecError('OPUS', sampleRate, `OPUS is supported at ${OPUS_SAMPLE_RATES.join('/')} Hz, got ${sampleRate} Hz`);
    }
    this.sampleRate = sampleRate;
    const direct = options.native === undefined ? LibopusDecodeCore.open(sampleRate) : undefined;
    const core = direct ?? new AddonDecodeCore(new (options.native ?? loadOpusNative())(sampleRate, 1));
    this.#core = core;
    this.inbandFec = core.decodesInbandFec;
    openOpusCoders.decoders++;
    this.#tocPacket = new Uint8Array(1);
    this.#lastToc = -1;
  }

  /** True once {@link close} has run. */
  get closed(): boolean {
    return this.#core === undefined;
  }

  /**
   * Decodes the Opus packet `payload[0, length)` into `out`; returns samples written.
   *
   * @throws {@link OpusCodecError} `CW_OPUS_INVALID_PACKET` for an empty, oversized or malformed
   * packet and `CW_OPUS_OUTPUT_TOO_SMALL` when its duration exceeds `out` (both leave the decoder
   * state untouched), `CW_OPUS_CLOSED` after {@link close}.
   */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    const core = this.#open();
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
    const written = this.#decodeInto(core, payload, size, out, 0, samples);
    this.#lastToc = payload[0]!;
    return written;
  }

  /**
   * Writes libopus's concealment for `sampleCount` lost samples into `out`, in 20 ms and then 10 ms
   * steps; returns samples written: `sampleCount` (capped at `out.length`) rounded down to 10 ms,
   * or 0 before the first packet, when libopus has nothing to extrapolate from.
   */
  concealLoss(out: Int16Array, sampleCount: number): number {
    const core = this.#open();
    if (this.#lastToc < 0 || !(sampleCount > 0)) return 0;
    const step = this.sampleRate / 100;
    let budget = sampleCount < out.length ? sampleCount : out.length;
    budget -= budget % step;
    let written = 0;
    const toc = this.#tocPacket;
    while (budget - written >= 2 * step) {
      toc[0] = concealmentToc(this.#lastToc, 20);
      written += this.#decodeInto(core, toc, 1, out, written, 2 * step);
    }
    if (budget - written >= step) {
      toc[0] = concealmentToc(this.#lastToc, 10);
      written += this.#decodeInto(core, toc, 1, out, written, step);
    }
    return written;
  }

  /**
   * Rebuilds the lost `sampleCount` samples just before `nextPayload[0, length)` from the in-band
   * FEC that packet carries; returns samples written, or 0 (and writes nothing) when it carries none,
   * when its frame is longer than the loss, when the last packet was CELT-only (libopus would only
   * conceal), when the packet is malformed, or on the addon-wrapper fallback. After a recovery the
   * next packet decodes normally: libopus's state has advanced past the lost frame.
   */
  recoverFromNext(nextPayload: Uint8Array, length: number, out: Int16Array, sampleCount: number): number {
    const core = this.#open();
    if (!core.decodesInbandFec) return 0;
    const size = length < nextPayload.length ? length : nextPayload.length;
    if (!(size > 1) || size > OPUS_MAX_PACKET_BYTES) return 0;
    // libopus conceals rather than recovers after a CELT-only packet, and only whole 2.5 ms steps.
    if (this.#lastToc >= 0 && this.#lastToc >> 3 >= FIRST_CELT_CONFIG) return 0;
    let budget = sampleCount < out.length ? sampleCount : out.length;
    budget -= budget % (this.sampleRate / 400);
    const toc = nextPayload[0]!;
    if (!(budget > 0) || opusFrameSampleCount(toc, this.sampleRate) > budget) return 0;
    if (opusPacketSampleCount(nextPayload, size, this.sampleRate) < 0 || !carriesInbandFec(nextPayload, size)) return 0;
    let written: number;
    try {
      written = core.decodeInto(nextPayload, size, out, 0, budget, true);
    } catch {
      // libopus rejected the packet before touching its state: conceal instead.
      return 0;
    }
    this.#lastToc = toc;
    return written;
  }

  /** Frees the decoder (directly, or via the addon's finalizer after GC on the fallback). Idempotent. */
  close(): void {
    const core = this.#core;
    if (core === undefined) return;
    openOpusCoders.decoders--;
    core.release();
    this.#core = undefined;
  }

  #open(): OpusDecodeCore {
    const core = this.#core;
    if (core === undefined) throw new OpusCodecError(OpusErrorCode.Closed, 'Opus decoder is closed');
    return core;
  }

  /** Decodes through `core`, turning libopus's refusal into a recoverable {@link OpusCodecError}. */
  #decodeInto(core: OpusDecodeCore, packet: Uint8Array, length: number, out: Int16Array, at: number, frameSize: number): number {
    try {
      return core.decodeInto(packet, length, out, at, frameSize, false);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OpusCodecError(OpusErrorCode.InvalidPacket, `libopus rejected the packet: ${reason}`, { cause: error });
    }
  }
}

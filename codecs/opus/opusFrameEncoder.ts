import { openOpusCoders } from './openCoders.js';
import { UnsupportedCodecError } from '../errors.js';
import type { AudioEncoder } from '../types.js';
import { OpusCodecError, OpusErrorCode } from './errors.js';
import { OPUS_APPLICATION_VOIP, OpusCtl, loadOpusNative, type OpusNative, type OpusNativeConstructor } from './native.js';
import { OPUS_SAMPLE_RATES, isOpusSampleRate } from './packet.js';

/** Settings of an {@link OpusFrameEncoder}; all but `sampleRate` have defaults. */
export interface OpusEncoderOptions {
  /** Input rate in Hz: 8000, 16000, 24000 or 48000. */
  readonly sampleRate: number;
  /** Target bitrate in bit/s, 6000–510000; defaults to {@link defaultOpusBitrate}. */
  readonly bitrate?: number;
  /** libopus complexity 0–10; defaults to 5. */
  readonly complexity?: number;
  /** Carry in-band FEC (SILK LBRR) for the previous frame in each packet; defaults to true. */
  readonly inbandFec?: boolean;
  /** Expected loss in percent, 0–100, which sizes the FEC; defaults to 10. */
  readonly packetLossPercent?: number;
  /** Binding class to use instead of `@discordjs/opus`'s; for tests. */
  readonly native?: OpusNativeConstructor;
}

/**
 * Default bitrate per rate. 8 kHz gets 20 kb/s because below that libopus turns in-band FEC off at
 * 10 % loss (its `decide_fec` threshold for narrowband, measured: 18 kb/s codes no LBRR).
 */
export function defaultOpusBitrate(sampleRate: number): number {
  if (sampleRate <= 8000) return 20_000;
  if (sampleRate <= 16000) return 24_000;
  return 32_000;
}

/** Complexity default: half the encode CPU of libopus's own default (9), measured in bench/opus/compare.ts. */
const DEFAULT_COMPLEXITY = 5;
/** Loss the FEC is sized for by default. */
const DEFAULT_LOSS_PERCENT = 10;

/** Throws {@link OpusCodecError} `CW_OPUS_INVALID_OPTION` unless `value` is an integer in `[min, max]`. */
function checkRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OpusCodecError(OpusErrorCode.InvalidOption, `Opus ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * Mono Opus {@link AudioEncoder} for one call: VOIP application, 20 ms frames, one packet per call
 * of {@link encode} (Telnyx wants exactly one Opus packet per media message).
 *
 * @remarks
 * - Allocation: `@discordjs/opus` returns a new Buffer per packet, which is copied into `out`;
 *   the PCM frame handed to the addon is owned by the instance.
 * - The addon aborts the process (it throws while an exception is pending) if `opus_encode` fails,
 *   e.g. on a frame size Opus does not allow; this class only ever passes whole 20 ms frames.
 */
export class OpusFrameEncoder implements AudioEncoder {
  /** Input rate in Hz. */
  readonly sampleRate: number;
  /** Samples in one 20 ms frame. */
  readonly frameSamples: number;
  /** Bitrate libopus reports after configuration, in bit/s. */
  readonly bitrate: number;
  /** libopus complexity in use. */
  readonly complexity: number;
  /** Whether packets carry in-band FEC. */
  readonly inbandFec: boolean;
  /** Loss percentage the encoder plans for. */
  readonly packetLossPercent: number;
  #native: OpusNative | undefined;
  readonly #frame: Int16Array;
  readonly #frameBytes: Uint8Array;

  /**
   * @throws {@link UnsupportedCodecError} for a rate outside {@link OPUS_SAMPLE_RATES};
   * {@link OpusCodecError} `CW_OPUS_INVALID_OPTION` for an out-of-range setting.
   */
  constructor(options: OpusEncoderOptions) {
    const { sampleRate } = options;
    if (!isOpusSampleRate(sampleRate)) {
      throw new UnsupportedCodecError('OPUS', sampleRate, `OPUS is supported at ${OPUS_SAMPLE_RATES.join('/')} Hz, got ${sampleRate} Hz`);
    }
    const requestedBitrate = checkRange('bitrate', options.bitrate ?? defaultOpusBitrate(sampleRate), 6000, 510_000);
    this.sampleRate = sampleRate;
    this.frameSamples = sampleRate / 50;
    this.complexity = checkRange('complexity', options.complexity ?? DEFAULT_COMPLEXITY, 0, 10);
    this.inbandFec = options.inbandFec ?? true;
    this.packetLossPercent = checkRange('packetLossPercent', options.packetLossPercent ?? DEFAULT_LOSS_PERCENT, 0, 100);
    const Native = options.native ?? loadOpusNative();
    const native = new Native(sampleRate, 1);
    // The addon creates its encoder as AUDIO; VOIP is only accepted before the first encode.
    native.applyEncoderCTL(OpusCtl.SetApplication, OPUS_APPLICATION_VOIP);
    native.setBitrate(requestedBitrate);
    native.applyEncoderCTL(OpusCtl.SetComplexity, this.complexity);
    native.applyEncoderCTL(OpusCtl.SetInbandFec, this.inbandFec ? 1 : 0);
    native.applyEncoderCTL(OpusCtl.SetPacketLossPercent, this.packetLossPercent);
    this.bitrate = native.getBitrate();
    this.#native = native;
    openOpusCoders.encoders++;
    this.#frame = new Int16Array(this.frameSamples);
    this.#frameBytes = new Uint8Array(this.#frame.buffer);
  }

  /** True once {@link close} has run. */
  get closed(): boolean {
    return this.#native === undefined;
  }

  /**
   * Encodes `pcm[offset, offset + count)` as one 20 ms packet into `out`; returns its byte length.
   * Fewer than {@link frameSamples} samples are padded with silence; none gives 0 and no packet.
   *
   * @throws {@link OpusCodecError} `CW_OPUS_FRAME_TOO_LONG` when `count` exceeds one frame,
   * `CW_OPUS_OUTPUT_TOO_SMALL` when the packet does not fit `out`, `CW_OPUS_CLOSED` after {@link close}.
   */
  encode(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number {
    const native = this.#open();
    const frameSamples = this.frameSamples;
    if (count > frameSamples) {
      throw new OpusCodecError(OpusErrorCode.FrameTooLong, `Opus frame holds ${frameSamples} samples, got ${count}`);
    }
    let available = pcm.length - offset;
    if (available > count) available = count;
    if (!(available > 0) || !(offset >= 0)) return 0;
    const frame = this.#frame;
    for (let i = 0; i < available; i++) frame[i] = pcm[offset + i]!;
    if (available < frameSamples) frame.fill(0, available);
    const packet = native.encode(this.#frameBytes);
    if (packet.length > out.length) {
      throw new OpusCodecError(OpusErrorCode.OutputTooSmall, `Opus packet of ${packet.length} bytes does not fit ${out.length}`);
    }
    out.set(packet);
    return packet.length;
  }

  /** Drops the native encoder (the addon has no destroy; its finalizer frees it after GC). Idempotent. */
  close(): void {
    if (this.#native !== undefined) openOpusCoders.encoders--;
    this.#native = undefined;
  }

  #open(): OpusNative {
    const native = this.#native;
    if (native === undefined) throw new OpusCodecError(OpusErrorCode.Closed, 'Opus encoder is closed');
    return native;
  }
}

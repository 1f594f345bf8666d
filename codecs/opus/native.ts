/**
 * The one place that loads `@discordjs/opus` (libopusDirect.ts then finds its binary in the module
 * cache). Its wrapper class owns an encoder and a decoder (each created on first use), returns a
 * new Buffer from every `encode`/`decode`, hard-codes `decode_fec = 0`, and has no destroy: native
 * state is freed by the wrapper's GC finalizer, which Node runs from the event loop after a collection.
 */
import { createRequire } from 'node:module';

/** The subset of `@discordjs/opus`'s `OpusEncoder` this folder uses. */
export interface OpusNative {
  /** Encodes exactly one frame of native-endian PCM16; the frame size comes from the byte length. */
  encode(pcm: Uint8Array): Buffer;
  /** Decodes one packet into a new Buffer of native-endian PCM16; throws a TypeError for bad packets. */
  decode(packet: Uint8Array): Buffer;
  /** `opus_encoder_ctl(ctl, value)`: only SET requests, since GET requests would read `value` as a pointer. */
  applyEncoderCTL(ctl: number, value: number): void;
  /** `opus_decoder_ctl(ctl, value)`: only SET requests, for the same reason. */
  applyDecoderCTL(ctl: number, value: number): void;
  /** `OPUS_SET_BITRATE`. */
  setBitrate(bitrate: number): void;
  /** `OPUS_GET_BITRATE` (the binding passes a real pointer for this one). */
  getBitrate(): number;
}

/** Constructs an {@link OpusNative} for one channel layout and rate; injectable for tests. */
export type OpusNativeConstructor = new (sampleRate: number, channels: number) => OpusNative;

/** libopus SET requests (opus_defines.h); GET requests must never go through `apply*CTL`. */
export const OpusCtl = {
  /** `OPUS_SET_APPLICATION`: only accepted before the first encode. */
  SetApplication: 4000,
  /** `OPUS_SET_COMPLEXITY`, 0–10. */
  SetComplexity: 4010,
  /** `OPUS_SET_INBAND_FEC`, 0 or 1. */
  SetInbandFec: 4012,
  /** `OPUS_SET_PACKET_LOSS_PERC`, 0–100. */
  SetPacketLossPercent: 4014,
  /** `OPUS_SET_GAIN`, in Q8 dB. */
  SetGain: 4034,
} as const;

/** `OPUS_APPLICATION_VOIP`. */
export const OPUS_APPLICATION_VOIP = 2048;

let loaded: OpusNativeConstructor | undefined;

/** The `@discordjs/opus` wrapper class, loaded once (its module is CommonJS with no static exports). */
export function loadOpusNative(): OpusNativeConstructor {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const binding = require('@discordjs/opus') as { OpusEncoder: OpusNativeConstructor };
    loaded = binding.OpusEncoder;
  }
  return loaded;
}

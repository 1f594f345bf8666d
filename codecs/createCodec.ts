import { UnsupportedCodecError } from './errors.js';
import { G722Decoder } from './g722/decoder.js';
import { G722Encoder } from './g722/encoder.js';
import { G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE } from './g722/rates.js';
import { L16Decoder, L16Encoder, type L16ByteOrder } from './l16.js';
import { OpusFrameDecoder } from './opus/opusFrameDecoder.js';
import { OpusFrameEncoder } from './opus/opusFrameEncoder.js';
import { isOpusSampleRate } from './opus/packet.js';
import { PCMA_SAMPLE_RATE, PcmaDecoder, PcmaEncoder } from './pcma.js';
import { PCMU_SAMPLE_RATE, PcmuDecoder, PcmuEncoder } from './pcmu.js';
import type { AudioDecoder, AudioEncoder } from './types.js';

/** The part of a stream's `media_format` that selects a codec. */
export interface CodecFormat {
  /** Codec name, matched case-insensitively (`'PCMU'`, `'pcma'`, `'L16'`, `'G722'`). */
  readonly encoding: string;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
}

/** Settings the media format does not carry. */
export interface CodecOptions {
  /** Byte order of L16 payloads; defaults to `'big'` (network order, as in RTP). */
  readonly l16ByteOrder?: L16ByteOrder;
}

/** What this build can code, for error messages. */
const SUPPORTED =
  'PCMU and PCMA at 8000 Hz, L16 at any positive integer rate, OPUS at 8000, 16000, 24000 or 48000 Hz, G722 at 8000 or 16000 Hz';

/** Which implementation a format maps to, or throws if none does. */
function resolve(format: CodecFormat): 'PCMU' | 'PCMA' | 'L16' | 'OPUS' | 'G722' {
  const { encoding, sampleRate } = format;
  const name = encoding.toUpperCase();
  if (name === 'PCMU' || name === 'PCMA') {
    const expected = name === 'PCMU' ? PCMU_SAMPLE_RATE : PCMA_SAMPLE_RATE;
    if (sampleRate !== expected) {
      throw new UnsupportedCodecError(
        encoding,
        sampleRate,
        `${name} is only defined at ${expected} Hz, got ${sampleRate} Hz (supported: ${SUPPORTED})`,
      );
    }
    return name;
  }
  if (name === 'L16') {
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
      throw new UnsupportedCodecError(
        encoding,
        sampleRate,
        `L16 needs a positive integer sample rate, got ${sampleRate} (supported: ${SUPPORTED})`,
      );
    }
    return name;
  }
  if (name === 'OPUS') {
    if (!isOpusSampleRate(sampleRate)) {
      throw new UnsupportedCodecError(
        encoding,
        sampleRate,
        `OPUS is only supported at 8000, 16000, 24000 or 48000 Hz, got ${sampleRate} Hz (supported: ${SUPPORTED})`,
      );
    }
    return name;
  }
  if (name === 'G722') {
    // G.722's RTP clock is 8000 Hz although it codes 16 kHz audio (RFC 3551 §4.5.2), and Telnyx's
    // guide lists G722 at "8 kHz" (shared/reference/telnyx.md §1.4): both numbers mean the same
    // stream, and the coders always take and give 16 kHz PCM.
    if (sampleRate !== G722_RTP_CLOCK_RATE && sampleRate !== G722_SAMPLE_RATE) {
      throw new UnsupportedCodecError(
        encoding,
        sampleRate,
        `G722 is 16 kHz audio on an 8000 Hz RTP clock, so its rate is 8000 or 16000 Hz, got ${sampleRate} Hz (supported: ${SUPPORTED})`,
      );
    }
    return name;
  }
  throw new UnsupportedCodecError(
    encoding,
    sampleRate,
    `Unsupported encoding ${JSON.stringify(encoding)} (supported: ${SUPPORTED})`,
  );
}

/**
 * Builds the decoder for a stream's media format.
 *
 * @example
 * const decoder = createDecoder({ encoding: 'PCMU', sampleRate: 8000 });
 * const samples = decoder.decode(payload, payload.length, pcmFrame);
 *
 * @remarks OPUS gives a new native decoder per call (see {@link OpusFrameDecoder}): close it when
 * the call ends. G722 at either rate gives a decoder whose `sampleRate` is 16000.
 *
 * @throws {@link UnsupportedCodecError} for any encoding other than PCMU, PCMA, L16, OPUS or G722,
 * for PCMU or PCMA at a rate other than 8000 Hz, for L16 at a rate that is not a positive integer,
 * for OPUS at a rate other than 8000, 16000, 24000 or 48000 Hz, and for G722 at a rate other than
 * 8000 or 16000 Hz.
 */
export function createDecoder(format: CodecFormat, options?: CodecOptions): AudioDecoder {
  switch (resolve(format)) {
    case 'PCMU':
      return new PcmuDecoder();
    case 'PCMA':
      return new PcmaDecoder();
    case 'L16':
      return new L16Decoder({ sampleRate: format.sampleRate, byteOrder: options?.l16ByteOrder ?? 'big' });
    case 'OPUS':
      return new OpusFrameDecoder({ sampleRate: format.sampleRate });
    case 'G722':
      return new G722Decoder();
  }
}

/**
 * Builds the encoder for a stream's media format.
 *
 * @example
 * const encoder = createEncoder({ encoding: 'L16', sampleRate: 16000 }, { l16ByteOrder: 'little' });
 * const bytes = encoder.encode(pcmFrame, 0, 320, payload);
 *
 * @remarks OPUS gives a new native encoder per call (20 ms frames, VOIP, in-band FEC; see
 * {@link OpusFrameEncoder}): close it when the call ends. G722 at either rate gives an encoder
 * that takes 16 kHz PCM.
 *
 * @throws {@link UnsupportedCodecError} under the same conditions as {@link createDecoder}.
 */
export function createEncoder(format: CodecFormat, options?: CodecOptions): AudioEncoder {
  switch (resolve(format)) {
    case 'PCMU':
      return new PcmuEncoder();
    case 'PCMA':
      return new PcmaEncoder();
    case 'L16':
      return new L16Encoder({ sampleRate: format.sampleRate, byteOrder: options?.l16ByteOrder ?? 'big' });
    case 'OPUS':
      return new OpusFrameEncoder({ sampleRate: format.sampleRate });
    case 'G722':
      return new G722Encoder();
  }
}

import type { AudioDecoder, AudioEncoder } from './types.js';

/** Byte order of L16 samples on the wire; RTP L16 (RFC 3551) is big-endian. */
export type L16ByteOrder = 'big' | 'little';

/** How an L16 stream is framed. */
export interface L16Options {
  /** Sample rate in Hz; a positive integer. */
  readonly sampleRate: number;
  /** Defaults to `'big'` (network order). */
  readonly byteOrder?: L16ByteOrder;
}

/** Returns `sampleRate` if it is a positive integer; a zero or fractional rate would break pacing. */
function checkSampleRate(sampleRate: number): number {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`L16 sample rate must be a positive integer, got ${sampleRate}`);
  }
  return sampleRate;
}

/**
 * {@link AudioDecoder} for 16-bit signed mono linear PCM.
 *
 * @remarks Decodes `floor(length / 2)` samples (clamped to `payload` and `out`); a trailing odd
 * byte is ignored rather than rejected, because payload sizes are validated at the edge.
 *
 * @throws RangeError from the constructor when `sampleRate` is not a positive integer.
 */
export class L16Decoder implements AudioDecoder {
  /** Sample rate of the stream, in Hz. */
  readonly sampleRate: number;
  /** Byte order of the payloads this decoder reads; may be switched mid-stream (a stream found byte-swapped). */
  byteOrder: L16ByteOrder;

  constructor(options: L16Options) {
    this.sampleRate = checkSampleRate(options.sampleRate);
    this.byteOrder = options.byteOrder ?? 'big';
  }

  /** {@inheritDoc AudioDecoder.decode} */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    let count = (length < payload.length ? length : payload.length) >> 1;
    if (count > out.length) count = out.length;
    if (!(count > 0)) return 0;
    // `<< 24 >> 16` moves the high byte into bits 8..15 with its sign bit copied upwards.
    // Indexes stay below 2 * count, which is within `payload`.
    if (this.byteOrder === 'big') {
      for (let i = 0, j = 0; i < count; i++, j += 2) {
        out[i] = ((payload[j]! << 24) >> 16) | payload[j + 1]!;
      }
    } else {
      for (let i = 0, j = 0; i < count; i++, j += 2) {
        out[i] = ((payload[j + 1]! << 24) >> 16) | payload[j]!;
      }
    }
    return count;
  }

  /** No-op: holds no resources. */
  close(): void {}
}

/**
 * {@link AudioEncoder} for 16-bit signed mono linear PCM; returns bytes written (two per sample).
 *
 * @throws RangeError from the constructor when `sampleRate` is not a positive integer.
 */
export class L16Encoder implements AudioEncoder {
  /** Sample rate of the stream, in Hz. */
  readonly sampleRate: number;
  /** Byte order of the payloads this encoder writes; may be switched mid-stream, with the decoder's. */
  byteOrder: L16ByteOrder;

  constructor(options: L16Options) {
    this.sampleRate = checkSampleRate(options.sampleRate);
    this.byteOrder = options.byteOrder ?? 'big';
  }

  /** {@inheritDoc AudioEncoder.encode} */
  encode(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number {
    let n = pcm.length - offset;
    if (n > count) n = count;
    if (n > out.length >> 1) n = out.length >> 1;
    if (!(n > 0) || !(offset >= 0)) return 0;
    // Uint8Array stores keep the low 8 bits, so no masking is needed.
    if (this.byteOrder === 'big') {
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        const sample = pcm[offset + i]!;
        out[j] = sample >> 8;
        out[j + 1] = sample;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        const sample = pcm[offset + i]!;
        out[j] = sample;
        out[j + 1] = sample >> 8;
      }
    }
    return n * 2;
  }

  /** No-op: holds no resources. */
  close(): void {}
}

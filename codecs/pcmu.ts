import { MULAW_DECODE_TABLE, MULAW_ENCODE_TABLE } from './g711Tables.js';
import type { AudioDecoder, AudioEncoder } from './types.js';

/** Sample rate of G.711 PCMU, fixed by RFC 3551. */
export const PCMU_SAMPLE_RATE = 8000;

/**
 * Expands µ-law bytes `src[0, length)` into `out` from index 0.
 *
 * @remarks One byte is one sample. Writes `min(length, src.length, out.length)` samples and returns
 * that count, so a short `out` truncates instead of throwing. Allocates nothing.
 */
export function mulawDecodeInto(src: Uint8Array, length: number, out: Int16Array): number {
  let count = length < src.length ? length : src.length;
  if (count > out.length) count = out.length;
  if (!(count > 0)) return 0;
  const table = MULAW_DECODE_TABLE;
  // Indexes stay below `count`, which is within both arrays, and table indexes are bytes.
  for (let i = 0; i < count; i++) out[i] = table[src[i]!]!;
  return count;
}

/**
 * Compresses `pcm[offset, offset + count)` into µ-law bytes in `out` from index 0.
 *
 * @remarks Writes as many samples as fit in both arrays and returns that count. Allocates nothing.
 */
export function mulawEncodeInto(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number {
  let n = pcm.length - offset;
  if (n > count) n = count;
  if (n > out.length) n = out.length;
  if (!(n > 0) || !(offset >= 0)) return 0;
  const table = MULAW_ENCODE_TABLE;
  for (let i = 0; i < n; i++) out[i] = table[pcm[offset + i]! & 0xffff]!;
  return n;
}

/** {@link AudioDecoder} for G.711 µ-law (PCMU) at 8 kHz. */
export class PcmuDecoder implements AudioDecoder {
  /** Always 8000. */
  readonly sampleRate = PCMU_SAMPLE_RATE;

  /** {@inheritDoc AudioDecoder.decode} */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    return mulawDecodeInto(payload, length, out);
  }

  /** No-op: table lookups hold no resources. */
  close(): void {}
}

/** {@link AudioEncoder} for G.711 µ-law (PCMU) at 8 kHz. */
export class PcmuEncoder implements AudioEncoder {
  /** Always 8000. */
  readonly sampleRate = PCMU_SAMPLE_RATE;

  /** {@inheritDoc AudioEncoder.encode} */
  encode(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number {
    return mulawEncodeInto(pcm, offset, count, out);
  }

  /** No-op: table lookups hold no resources. */
  close(): void {}
}

/**
 * Whether an Opus packet carries in-band FEC (SILK LBRR) for the frame before it. libopus's
 * `opus_decode(..., decode_fec = 1)` silently falls back to its PLC when there is none, so the
 * caller must know beforehand to report "nothing recovered". Only the header flags are read (RFC
 * 6716 §4.2.3–4.2.4): each is one equiprobable bit at the start of the range-coded SILK data.
 */

/** SILK frames per Opus frame, by the Opus frame's duration in tenths of a millisecond. */
function silkFramesPerOpusFrame(tenthsMs: number): number {
  return tenthsMs <= 200 ? 1 : tenthsMs / 200;
}

/** Opus frame duration in tenths of a millisecond for SILK-only and Hybrid TOC configurations 0–15. */
const SILK_FRAME_TENTHS_MS: readonly number[] = [100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 100, 200];

/** Offset of the first frame's data in `packet[0, length)` (RFC 6716 §3.2), or -1 when the framing is cut short. */
function firstFrameOffset(packet: Uint8Array, length: number): number {
  const code = packet[0]! & 0x03;
  if (code < 2) return 1;
  if (length < 2) return -1;
  if (code === 2) return packet[1]! < 252 ? 2 : 3;
  const countByte = packet[1]!;
  let offset = 2;
  if ((countByte & 0x40) !== 0) {
    // Padding length: bytes of 255 continue it; the padding itself sits at the end of the packet.
    let more = true;
    while (more) {
      if (offset >= length) return -1;
      more = packet[offset++] === 255;
    }
  }
  if ((countByte & 0x80) !== 0) {
    const frames = countByte & 0x3f;
    for (let i = 1; i < frames; i++) {
      if (offset >= length) return -1;
      if (packet[offset++]! >= 252) offset++;
    }
  }
  return offset;
}

/**
 * Decodes the first `count` (≤ 30) equiprobable bits of the range-coded data at `packet[start, end)`
 * exactly as libopus's `ec_dec_init` and `ec_dec_bit_logp(…, 1)` do; bit i of the result is the
 * i-th decoded bit. Bytes past `end` read as 0, as in libopus.
 */
function rangeDecodedBits(packet: Uint8Array, start: number, end: number, count: number): number {
  let position = start;
  let remainder = position < end ? packet[position++]! : 0;
  let range = 128;
  let value = range - 1 - (remainder >> 1);
  let bits = 0;
  for (let i = -1; i < count; i++) {
    if (i >= 0) {
      const split = Math.floor(range / 2);
      const bit = value < split;
      if (bit) bits |= 1 << i;
      else value -= split;
      range = bit ? split : range - split;
    }
    while (range <= 0x800000) {
      range *= 256;
      const previous = remainder;
      remainder = position < end ? packet[position++]! : 0;
      const symbol = ((previous << 8) | remainder) >> 1;
      value = (value * 256 + (255 & ~symbol)) % 0x80000000;
    }
  }
  return bits;
}

/**
 * True when `packet[0, length)` is a SILK or Hybrid Opus packet whose first frame sets an LBRR flag,
 * i.e. carries redundancy that `opus_decode` with `decode_fec = 1` turns into the lost frame before
 * it. False for CELT-only packets, which never carry FEC, and for framing cut short.
 */
export function carriesInbandFec(packet: Uint8Array, length: number): boolean {
  const size = length < packet.length ? length : packet.length;
  if (!(size >= 2)) return false;
  const toc = packet[0]!;
  const config = toc >> 3;
  if (config >= 16) return false;
  const offset = firstFrameOffset(packet, size);
  if (offset < 0 || offset >= size) return false;
  const silkFrames = silkFramesPerOpusFrame(SILK_FRAME_TENTHS_MS[config]!);
  const channels = (toc & 0x04) !== 0 ? 2 : 1;
  // Per channel: one voice-activity flag per SILK frame, then that channel's LBRR flag.
  const bits = rangeDecodedBits(packet, offset, size, channels * (silkFrames + 1));
  for (let channel = 0; channel < channels; channel++) {
    if ((bits & (1 << (channel * (silkFrames + 1) + silkFrames))) !== 0) return true;
  }
  return false;
}

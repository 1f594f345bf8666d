/**
 * Reading an Opus packet's TOC byte (RFC 6716 §3.1), enough to size the output before decoding and
 * to build the TOC-only packets that make libopus run its own loss concealment.
 */

/** Sample rates Telnyx streams Opus at, and the only ones this folder builds coders for. */
export const OPUS_SAMPLE_RATES: readonly number[] = [8000, 16000, 24000, 48000];

/** True when `sampleRate` is one of {@link OPUS_SAMPLE_RATES}. */
export function isOpusSampleRate(sampleRate: number): boolean {
  return OPUS_SAMPLE_RATES.includes(sampleRate);
}

/** Largest payload accepted: 120 ms at Opus's 510 kb/s ceiling, plus framing bytes. */
export const OPUS_MAX_PACKET_BYTES = 7680;

/** Longest audio one Opus packet may carry, in ms (RFC 6716 §3.2.5). */
const MAX_PACKET_MS = 120;

/** Frame duration in tenths of a millisecond for each TOC configuration 0–31 (RFC 6716 Table 2). */
const FRAME_TENTHS_MS: readonly number[] = [
  100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600, // SILK NB, MB, WB
  100, 200, 100, 200, // Hybrid SWB, FB
  25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, // CELT NB, WB, SWB, FB
];

/**
 * Samples per channel that `packet[0, length)` decodes to at `sampleRate`, or -1 when its framing
 * is already invalid at the TOC level (empty, code 3 without a frame count, zero frames, or more
 * than 120 ms). A positive answer does not promise that libopus will accept the frames.
 */
export function opusPacketSampleCount(packet: Uint8Array, length: number, sampleRate: number): number {
  if (!(length >= 1) || packet.length < 1) return -1;
  const toc = packet[0]!;
  const tenthsMs = FRAME_TENTHS_MS[toc >> 3]!;
  const code = toc & 0x03;
  let frames = code === 0 ? 1 : 2;
  if (code === 3) {
    if (length < 2 || packet.length < 2) return -1;
    frames = packet[1]! & 0x3f;
    if (frames === 0) return -1;
  }
  if (frames * tenthsMs > MAX_PACKET_MS * 10) return -1;
  return (frames * tenthsMs * sampleRate) / 10_000;
}

/** Samples per channel in one frame of a packet with TOC byte `toc`, at `sampleRate`. */
export function opusFrameSampleCount(toc: number, sampleRate: number): number {
  return (FRAME_TENTHS_MS[toc >> 3]! * sampleRate) / 10_000;
}

/**
 * A one-byte, code-0 TOC with the same mode, bandwidth and channel flag as `toc`, and a frame of
 * `durationMs` (10 or 20). Decoding it makes libopus conceal exactly one frame of that duration from
 * its own state (a zero-length frame triggers PLC in `opus_decode_frame`).
 */
export function concealmentToc(toc: number, durationMs: 10 | 20): number {
  const config = toc >> 3;
  let concealed: number;
  if (config < 12) concealed = (config & ~3) | (durationMs === 20 ? 1 : 0);
  else if (config < 16) concealed = (config & ~1) | (durationMs === 20 ? 1 : 0);
  else concealed = (config & ~3) | (durationMs === 20 ? 3 : 2);
  return (concealed << 3) | (toc & 0x04);
}

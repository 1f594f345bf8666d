/**
 * The good call's audio: 20 ms µ-law frames that are all different from one another, so each
 * frame the echo bot sends back can be traced to the one frame it came from.
 */

/** Bytes of one 20 ms PCMU frame at 8 kHz. */
export const FRAME_BYTES = 160;
/** µ-law's "negative zero": the engine decodes it to 0, which encodes back as 0xff. */
const NEGATIVE_ZERO = 0x7f;

/**
 * `count` frames of seeded noise (xorshift32), never containing 0x7f, so the echo comes back byte
 * for byte. With 160 random bytes per frame two frames are equal with negligible probability.
 */
export function distinctMulawFrames(count: number, seed = 0x2545f491): Uint8Array[] {
  let state = seed >>> 0 || 1;
  const frames: Uint8Array[] = [];
  for (let f = 0; f < count; f++) {
    const frame = new Uint8Array(FRAME_BYTES);
    for (let i = 0; i < FRAME_BYTES; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      const byte = state & 0xff;
      frame[i] = byte === NEGATIVE_ZERO ? 0xff : byte;
    }
    frames.push(frame);
  }
  return frames;
}

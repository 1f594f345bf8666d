/**
 * Wrap-safe counter arithmetic (RFC 1982). Telnyx writes `sequence_number`, `media.chunk` and
 * `media.timestamp` as decimal strings with no documented width, so they are compared as 32-bit
 * serial numbers: a counter that wraps at 2^32 stays ordered, and one that never wraps (it would take
 * 994 days at 50 frames/s) is unaffected. A counter that wraps at 2^16, as RTP sequence numbers do,
 * is recognised separately by {@link SerialUnwrapper}.
 */

/** Modulus of 32-bit serial numbers. */
export const SERIAL32 = 4294967296;
/** Modulus of 16-bit serial numbers (RTP sequence numbers). */
export const SERIAL16 = 65536;

const HALF32 = SERIAL32 / 2;
const HALF16 = SERIAL16 / 2;

/**
 * Signed distance from `from` to `to` modulo 2^32, in [-2^31, 2^31).
 *
 * @remarks RFC 1982 leaves a distance of exactly 2^31 undefined; it is reported as -2^31 (behind),
 * which the reorder stage treats as a restart.
 */
export function serialDelta32(from: number, to: number): number {
  let delta = (to - from) % SERIAL32;
  if (delta < 0) delta += SERIAL32;
  return delta >= HALF32 ? delta - SERIAL32 : delta;
}

/** Signed distance from `from` to `to` modulo 2^16, in [-2^15, 2^15). */
export function serialDelta16(from: number, to: number): number {
  let delta = (to - from) % SERIAL16;
  if (delta < 0) delta += SERIAL16;
  return delta >= HALF16 ? delta - SERIAL16 : delta;
}

/**
 * Turns a wrapping counter into an unbounded one (NetEq unwraps RTP timestamps to 64 bits the same
 * way), so the rest of the jitter buffer compares plain numbers.
 *
 * @remarks Each value is placed at its 32-bit serial distance from the highest value seen so far.
 * When both values are below 2^16 and more than 2^15 apart, the 16-bit distance is used instead:
 * that is a 16-bit counter wrapping (65535 → 0 is one step, not 65535 back), and the only other way
 * to get there, a restart from near 65535 to near 0, ends the same way (the reorder stage re-bases).
 */
export class SerialUnwrapper {
  #started = false;
  #highestRaw = 0;
  #highestExtended = 0;

  /** The unbounded value of `raw` (a non-negative integer). */
  unwrap(raw: number): number {
    if (!this.#started) {
      this.rebase(raw, raw);
      return raw;
    }
    let delta = serialDelta32(this.#highestRaw, raw);
    if (raw < SERIAL16 && this.#highestRaw < SERIAL16 && (delta >= HALF16 || delta < -HALF16)) {
      delta = serialDelta16(this.#highestRaw, raw);
    }
    const extended = this.#highestExtended + delta;
    if (delta > 0) {
      this.#highestRaw = raw;
      this.#highestExtended = extended;
    }
    return extended;
  }

  /** Makes `raw` the reference again, as the value `extended` (after a restart of the counter). */
  rebase(raw: number, extended: number): void {
    this.#started = true;
    this.#highestRaw = raw;
    this.#highestExtended = extended;
  }

  /** Forgets everything; the next value starts a new sequence. */
  reset(): void {
    this.#started = false;
  }
}

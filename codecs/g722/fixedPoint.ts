/** 16-bit two's-complement arithmetic helpers shared by the G.722 blocks. */

/** Clamps `value` to int16, the "limited to 16 bits" of the standard's block descriptions. */
export function saturate16(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : value;
}

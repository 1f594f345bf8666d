/**
 * G.711 lookup tables, built once at module load so that coding a sample is one indexed read.
 *
 * The tables come from the segment arithmetic below, not from a library. The arithmetic is the
 * sign-magnitude form (Sun/CCITT `g711.c`, and what `alawmulaw` does): a negative sample is coded
 * by its magnitude `-x`. The ITU-T G.191 reference `g711.c` instead takes the one's complement
 * `~x = -x - 1`, so for every negative input `x` this file gives G.191's code for `x - 1`. The two
 * disagree on exactly 127 inputs per law: the negative decision thresholds (for example µ-law -4,
 * A-law -16). We match `alawmulaw` on purpose, because it is the reference our tests pin us to;
 * decoding agrees with G.191 for all 256 codes of both laws.
 */

/** Added to a µ-law magnitude so that every segment starts at a power of two. */
const MULAW_BIAS = 0x84;
/** Largest biased µ-law magnitude; anything above lands in the top code of segment 7 anyway. */
const MULAW_MAX_BIASED = 0x7fff;
/** Largest A-law magnitude; -32768 has no positive twin in int16. */
const ALAW_MAX_MAGNITUDE = 0x7fff;
/** G.711 A-law inverts the even bits so that idle lines are not long runs of zeros. */
const ALAW_EVEN_BIT_MASK = 0x55;
/** Sign bit of a code before inversion (µ-law) or after XOR (A-law: set means positive). */
const SIGN_BIT = 0x80;

/** Index of the highest set bit of a positive integer below 2^31. */
function highBit(value: number): number {
  return 31 - Math.clz32(value);
}

/** Codes one int16 sample as µ-law. */
function mulawEncodeSample(sample: number): number {
  const negative = sample < 0;
  let biased = (negative ? -sample : sample) + MULAW_BIAS;
  if (biased > MULAW_MAX_BIASED) biased = MULAW_MAX_BIASED;
  // The bias puts `biased` in [2^7, 2^15), so its high bit names the segment.
  const segment = highBit(biased) - 7;
  const mantissa = (biased >> (segment + 3)) & 0x0f;
  const code = (negative ? SIGN_BIT : 0) | (segment << 4) | mantissa;
  // µ-law transmits every bit inverted.
  return ~code & 0xff;
}

/** Expands one µ-law code to int16. */
function mulawDecodeSample(code: number): number {
  const inverted = ~code & 0xff;
  const segment = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << segment) - MULAW_BIAS;
  // Code 0x7f is "negative zero"; `| 0` keeps -0 out of the table (Int16Array would drop it anyway).
  return (inverted & SIGN_BIT) !== 0 ? -magnitude | 0 : magnitude;
}

/** Codes one int16 sample as A-law. */
function alawEncodeSample(sample: number): number {
  const negative = sample < 0;
  let magnitude = negative ? -sample : sample;
  if (magnitude > ALAW_MAX_MAGNITUDE) magnitude = ALAW_MAX_MAGNITUDE;
  let code: number;
  if (magnitude < 0x100) {
    // Segment 0 is linear with the same step as segment 1, so it has no implicit leading bit.
    code = magnitude >> 4;
  } else {
    const segment = highBit(magnitude) - 7;
    code = (segment << 4) | ((magnitude >> (segment + 3)) & 0x0f);
  }
  return (negative ? code : code | SIGN_BIT) ^ ALAW_EVEN_BIT_MASK;
}

/** Expands one A-law code to int16. */
function alawDecodeSample(code: number): number {
  const bits = code ^ ALAW_EVEN_BIT_MASK;
  const segment = (bits >> 4) & 0x07;
  const mantissa = bits & 0x0f;
  // Output the middle of the quantisation interval, hence the added half step.
  const magnitude =
    segment === 0 ? (mantissa << 4) + 8 : ((mantissa + 16) << (segment + 3)) + (1 << (segment + 2));
  return (bits & SIGN_BIT) !== 0 ? magnitude : -magnitude;
}

/** Fills a 256-entry decode table from a per-code function. */
function buildDecodeTable(decodeSample: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decodeSample(code);
  return table;
}

/** Fills a 65,536-entry encode table indexed by the sample's 16-bit two's-complement pattern. */
function buildEncodeTable(encodeSample: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let index = 0; index < 65536; index++) table[index] = encodeSample((index << 16) >> 16);
  return table;
}

/** µ-law code → int16 sample. Shared and read-only by convention: never write to it. */
export const MULAW_DECODE_TABLE: Int16Array = buildDecodeTable(mulawDecodeSample);

/** `sample & 0xffff` → µ-law code. Shared and read-only by convention: never write to it. */
export const MULAW_ENCODE_TABLE: Uint8Array = buildEncodeTable(mulawEncodeSample);

/** A-law code → int16 sample. Shared and read-only by convention: never write to it. */
export const ALAW_DECODE_TABLE: Int16Array = buildDecodeTable(alawDecodeSample);

/** `sample & 0xffff` → A-law code. Shared and read-only by convention: never write to it. */
export const ALAW_ENCODE_TABLE: Uint8Array = buildEncodeTable(alawEncodeSample);

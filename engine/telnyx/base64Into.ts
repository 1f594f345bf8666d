/** Marks a byte that is not in the standard base64 alphabet (`=` included: padding is handled apart). */
const INVALID = 0xff;
const PAD = 0x3d; // '='

/** Standard (RFC 4648 §4) alphabet value of every byte, or {@link INVALID}. Built once at load. */
const DECODE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** {@link base64DecodeInto} result: the input is not valid standard base64. */
export const BASE64_INVALID = -1;
/** {@link base64DecodeInto} result: the decoded bytes would not fit in `out`. */
export const BASE64_OVERFLOW = -2;

/**
 * Decodes the standard base64 text in `src[start, end)` into `out` from index 0 and returns the
 * decoded byte count, {@link BASE64_INVALID} (-1) or {@link BASE64_OVERFLOW} (-2).
 *
 * @remarks Accepts the `+/` alphabet with or without `=` padding (`"QQ=="` and `"QQ"` both give one
 * byte). Rejects url-safe `-_`, whitespace, any other byte, a length of 4n+1, partial padding (`"QQ="`)
 * and `=` anywhere but the end. Unused low bits of the last character are ignored, as Node's decoder
 * does. The size check runs before the characters are checked, so oversize invalid text gives -2. A
 * range outside `src` gives -1. Allocates nothing; on -1 `out` may hold partial output.
 *
 * @example
 * ```ts
 * const out = Buffer.alloc(160);
 * const n = base64DecodeInto(message, payloadStart, payloadEnd, out); // n >= 0: out[0, n) is the payload
 * ```
 */
export function base64DecodeInto(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  if (!(start >= 0 && end >= start && end <= src.length)) return BASE64_INVALID;
  let dataEnd = end;
  if (end > start && src[end - 1] === PAD) {
    if ((end - start) % 4 !== 0) return BASE64_INVALID;
    dataEnd = src[end - 2] === PAD ? end - 2 : end - 1;
  }
  const chars = dataEnd - start;
  const tail = chars % 4;
  if (tail === 1) return BASE64_INVALID;
  const decoded = (chars - tail) * 0.75 + (tail === 0 ? 0 : tail - 1);
  if (decoded > out.length) return BASE64_OVERFLOW;

  const table = DECODE_TABLE;
  const groupsEnd = dataEnd - tail;
  let i = start;
  let o = 0;
  // Indexes stay inside [start, dataEnd) and [0, decoded), both checked above; table indexes are bytes.
  while (i < groupsEnd) {
    const a = table[src[i]!]!;
    const b = table[src[i + 1]!]!;
    const c = table[src[i + 2]!]!;
    const d = table[src[i + 3]!]!;
    if ((a | b | c | d) > 63) return BASE64_INVALID; // INVALID is 0xff
    out[o] = (a << 2) | (b >> 4);
    out[o + 1] = (b << 4) | (c >> 2);
    out[o + 2] = (c << 6) | d;
    i += 4;
    o += 3;
  }
  if (tail !== 0) {
    const a = table[src[i]!]!;
    const b = table[src[i + 1]!]!;
    const c = tail === 3 ? table[src[i + 2]!]! : 0;
    if ((a | b | c) > 63) return BASE64_INVALID;
    out[o++] = (a << 2) | (b >> 4);
    if (tail === 3) out[o++] = (b << 4) | (c >> 2);
  }
  return o;
}

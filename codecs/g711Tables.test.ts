import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { ALAW_DECODE_TABLE, ALAW_ENCODE_TABLE, MULAW_DECODE_TABLE, MULAW_ENCODE_TABLE } from './g711Tables.js';

const { alaw, mulaw } = alawmulaw;

/** Every int16 value, in order. */
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

/** `[input, ours, theirs]` for every input where the two functions disagree. */
function mismatches(count: number, input: (i: number) => number, ours: (x: number) => number, theirs: (x: number) => number) {
  const found: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const x = input(i);
    const a = ours(x);
    const b = theirs(x);
    if (a !== b) found.push([x, a, b]);
  }
  return found;
}

// ITU-T G.191 STL `g711.c` (ulaw_compress / alaw_compress), transcribed for comparison only.
// It codes a negative sample by its one's complement, where alawmulaw and our tables negate it.
function g191UlawCompress(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let segno = 1;
  for (let i = absno >> 6; i !== 0; i >>= 1) segno++;
  const out = ((8 - segno) << 4) | (0x0f - ((absno >> segno) & 0x0f));
  return x >= 0 ? out | 0x80 : out;
}

function g191AlawCompress(x: number): number {
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix = ix - 16 + (iexp << 4);
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

describe('µ-law tables', () => {
  it('decode all 256 codes exactly as alawmulaw', () => {
    // `| 0` because alawmulaw returns -0 for code 0x7f.
    expect(mismatches(256, (i) => i, (c) => MULAW_DECODE_TABLE[c]!, (c) => mulaw.decodeSample(c) | 0)).toEqual([]);
  });

  it('encode all 65,536 int16 values exactly as alawmulaw', () => {
    // alawmulaw returns `~code` unmasked (a negative number); its byte is the low 8 bits.
    expect(
      mismatches(65536, (i) => i - 32768, (x) => MULAW_ENCODE_TABLE[x & 0xffff]!, (x) => mulaw.encodeSample(x) & 0xff),
    ).toEqual([]);
  });

  it('decode(encode(x)) matches alawmulaw for every int16', () => {
    const theirs = mulaw.decode(mulaw.encode(ALL_SAMPLES));
    expect(
      mismatches(65536, (i) => i, (i) => MULAW_DECODE_TABLE[MULAW_ENCODE_TABLE[ALL_SAMPLES[i]! & 0xffff]!]!, (i) => theirs[i]!),
    ).toEqual([]);
  });

  it('encode(decode(code)) is the identity except negative zero 0x7f, which becomes 0xff', () => {
    expect(mismatches(256, (i) => i, (c) => MULAW_ENCODE_TABLE[MULAW_DECODE_TABLE[c]! & 0xffff]!, (c) => c)).toEqual([
      [0x7f, 0xff, 0x7f],
    ]);
  });

  it('differs from the G.191 reference encoder only at the 127 negative decision thresholds', () => {
    const diffs = mismatches(65536, (i) => i - 32768, (x) => MULAW_ENCODE_TABLE[x & 0xffff]!, g191UlawCompress);
    expect(diffs).toHaveLength(127);
    for (const [x] of diffs) {
      expect(x).toBeLessThan(0);
      // G.191 reads x as magnitude -x - 1, so its code for x - 1 is ours for x.
      expect(MULAW_ENCODE_TABLE[x & 0xffff]).toBe(g191UlawCompress(x - 1));
    }
    expect(diffs.slice(-2)).toEqual([
      [-12, 0x7d, 0x7e],
      [-4, 0x7e, 0x7f],
    ]);
  });

  it('clips int16 extremes to the top codes', () => {
    expect(MULAW_ENCODE_TABLE[32767]).toBe(0x80);
    expect(MULAW_ENCODE_TABLE[-32768 & 0xffff]).toBe(0x00);
  });
});

describe('A-law tables', () => {
  it('decode all 256 codes exactly as alawmulaw', () => {
    expect(mismatches(256, (i) => i, (c) => ALAW_DECODE_TABLE[c]!, (c) => alaw.decodeSample(c))).toEqual([]);
  });

  it('encode all 65,536 int16 values exactly as alawmulaw', () => {
    expect(
      mismatches(65536, (i) => i - 32768, (x) => ALAW_ENCODE_TABLE[x & 0xffff]!, (x) => alaw.encodeSample(x)),
    ).toEqual([]);
  });

  it('decode(encode(x)) matches alawmulaw for every int16', () => {
    const theirs = alaw.decode(alaw.encode(ALL_SAMPLES));
    expect(
      mismatches(65536, (i) => i, (i) => ALAW_DECODE_TABLE[ALAW_ENCODE_TABLE[ALL_SAMPLES[i]! & 0xffff]!]!, (i) => theirs[i]!),
    ).toEqual([]);
  });

  it('encode(decode(code)) is the identity for all 256 codes', () => {
    expect(mismatches(256, (i) => i, (c) => ALAW_ENCODE_TABLE[ALAW_DECODE_TABLE[c]! & 0xffff]!, (c) => c)).toEqual([]);
  });

  it('differs from the G.191 reference encoder only at the 127 negative decision thresholds', () => {
    const diffs = mismatches(65536, (i) => i - 32768, (x) => ALAW_ENCODE_TABLE[x & 0xffff]!, g191AlawCompress);
    expect(diffs).toHaveLength(127);
    for (const [x] of diffs) {
      expect(x).toBeLessThan(0);
      expect(ALAW_ENCODE_TABLE[x & 0xffff]).toBe(g191AlawCompress(x - 1));
    }
    expect(diffs.at(-1)).toEqual([-16, 0x54, 0x55]);
  });

  it('clips int16 extremes to the top codes', () => {
    expect(ALAW_ENCODE_TABLE[32767]).toBe(0xaa);
    expect(ALAW_ENCODE_TABLE[-32768 & 0xffff]).toBe(0x2a);
  });
});

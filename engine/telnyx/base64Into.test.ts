import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BASE64_INVALID, BASE64_OVERFLOW, base64DecodeInto } from './base64Into.js';

/** Decodes a whole latin1 string with {@link base64DecodeInto} into a fresh buffer of `capacity` bytes. */
function decode(text: string, capacity = 1024): { n: number; bytes: Buffer } {
  const src = Buffer.from(text, 'latin1');
  const out = Buffer.alloc(capacity);
  const n = base64DecodeInto(src, 0, src.length, out);
  return { n, bytes: out.subarray(0, Math.max(n, 0)) };
}

describe('base64DecodeInto', () => {
  test.prop([fc.uint8Array({ maxLength: 600 })])('decodes what Buffer encodes, padded or not', (bytes) => {
    const padded = Buffer.from(bytes).toString('base64');
    const unpadded = padded.replace(/=+$/, '');
    for (const text of [padded, unpadded]) {
      const { n, bytes: out } = decode(text);
      expect(n).toBe(bytes.length);
      expect(out).toEqual(Buffer.from(text, 'base64'));
      expect(new Uint8Array(out)).toEqual(bytes);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 40 }), fc.nat({ max: 40 })])(
    'decodes a range in the middle of a larger message',
    (bytes, before, after) => {
      const text = Buffer.from(bytes).toString('base64');
      const message = Buffer.from(`${'x'.repeat(before)}${text}${'"'.repeat(after)}`, 'latin1');
      const out = Buffer.alloc(bytes.length);
      expect(base64DecodeInto(message, before, before + text.length, out)).toBe(bytes.length);
      expect(new Uint8Array(out)).toEqual(bytes);
    },
  );

  test.prop([fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='.split('')), maxLength: 40 })])(
    'whatever it accepts from the alphabet plus "=", Buffer decodes the same way',
    (text) => {
      const { n, bytes } = decode(text);
      if (n >= 0) expect(bytes).toEqual(Buffer.from(text, 'base64'));
    },
  );

  it('decodes the empty range to zero bytes', () => {
    expect(decode('').n).toBe(0);
    expect(base64DecodeInto(Buffer.from('QUJD'), 2, 2, Buffer.alloc(0))).toBe(0);
  });

  it('ignores unused low bits of the last character, as Buffer does', () => {
    expect(decode('QR==').bytes).toEqual(Buffer.from('QR==', 'base64'));
    expect(decode('QUJ').bytes).toEqual(Buffer.from([0x41, 0x42]));
  });

  it.each([
    ['url-safe minus', 'ab-d'],
    ['url-safe underscore', 'ab_d'],
    ['space', 'QUJD RUZH'],
    ['newline', 'QUJD\nRUZH'],
    ['carriage return', 'QUJDRUZH\r'],
    ['tab', '\tQUJD'],
    ['length 4n+1', 'QUJDR'],
    ['single character', 'Q'],
    ['partial padding', 'QQ='],
    ['padding of an unpadded tail', 'QUJ=='],
    ['three pads', 'Q==='],
    ['only padding', '===='],
    ['padding in the middle', 'QQ==QUJD'],
    ['padding then data', 'QUJD=QUJ'],
    ['padding inside a group', 'Q=JD'],
    ['non-ASCII byte', 'QUJ\u00e9'],
    ['NUL byte', 'QU\u0000D'],
    ['quote', 'QU"D'],
    ['backslash escape', 'QU\\/D'],
  ])('rejects %s', (_name, text) => {
    expect(decode(text).n).toBe(BASE64_INVALID);
  });

  it('reports overflow instead of writing past out', () => {
    const text = Buffer.alloc(161, 7).toString('base64');
    const src = Buffer.from(text, 'latin1');
    const out = Buffer.alloc(170, 0xee);
    expect(base64DecodeInto(src, 0, src.length, out.subarray(0, 160))).toBe(BASE64_OVERFLOW);
    expect(out.subarray(160).every((b) => b === 0xee)).toBe(true);
    expect(base64DecodeInto(src, 0, src.length, out.subarray(0, 161))).toBe(161);
  });

  it('counts padding when checking the size', () => {
    expect(decode('QUI=', 2).n).toBe(2);
    expect(decode('QUI', 2).n).toBe(2);
    expect(decode('QUI=', 1).n).toBe(BASE64_OVERFLOW);
  });

  it('rejects a range outside the source', () => {
    const src = Buffer.from('QUJD');
    const out = Buffer.alloc(8);
    expect(base64DecodeInto(src, -1, 4, out)).toBe(BASE64_INVALID);
    expect(base64DecodeInto(src, 0, 5, out)).toBe(BASE64_INVALID);
    expect(base64DecodeInto(src, 3, 2, out)).toBe(BASE64_INVALID);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { G722Decoder } from './decoder.js';
import { G722Encoder } from './encoder.js';
import { HighBandAdpcm } from './highBand.js';
import { LowBandAdpcm } from './lowBand.js';
import { QmfAnalysis, QmfSynthesis } from './qmf.js';

const int16 = fc.integer({ min: -32768, max: 32767 });
/** Guard written past the expected end of an output buffer, to catch overruns. */
const GUARD = 0x5a;

describe('G.722 properties', () => {
  it('decodes arbitrary bytes into two samples per byte, deterministically and split-invariant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 800 }), fc.nat(), (bytes, splitSeed) => {
        const whole = new Int16Array(bytes.length * 2 + 1).fill(GUARD);
        expect(new G722Decoder().decode(bytes, bytes.length, whole)).toBe(bytes.length * 2);
        expect(whole[bytes.length * 2]).toBe(GUARD);

        const split = bytes.length === 0 ? 0 : splitSeed % bytes.length;
        const decoder = new G722Decoder();
        const first = new Int16Array(split * 2);
        const rest = new Int16Array((bytes.length - split) * 2);
        decoder.decode(bytes.subarray(0, split), split, first);
        decoder.decode(bytes.subarray(split), bytes.length - split, rest);
        expect(Array.from(first).concat(Array.from(rest))).toEqual(Array.from(whole.subarray(0, bytes.length * 2)));
      }),
    );
  });

  it('keeps every decoding stage within its range for arbitrary codes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 800 }), (bytes) => {
        const low = new LowBandAdpcm();
        const high = new HighBandAdpcm();
        const synthesis = new QmfSynthesis();
        for (const byte of bytes) {
          const lowSample = low.decode(byte & 0x3f);
          const highSample = high.decode(byte >> 6);
          // Block LIMIT keeps both sub-bands to 15 bits, which bounds the QMF sums and differences.
          expect(Number.isInteger(lowSample) && lowSample >= -16384 && lowSample <= 16383).toBe(true);
          expect(Number.isInteger(highSample) && highSample >= -16384 && highSample <= 16383).toBe(true);
          synthesis.push(lowSample, highSample);
          expect(Math.abs(synthesis.earlier)).toBeLessThanOrEqual(103_712);
          expect(Math.abs(synthesis.later)).toBeLessThanOrEqual(103_712);
        }
      }),
    );
  });

  it('encodes arbitrary PCM into exactly n/2 bytes (rounded down) without writing past them', () => {
    fc.assert(
      fc.property(fc.array(int16, { maxLength: 1000 }), fc.nat(8), (samples, offset) => {
        const pcm = Int16Array.from([...new Array<number>(offset).fill(0), ...samples]);
        const out = new Uint8Array(samples.length).fill(GUARD);
        const bytes = new G722Encoder().encode(pcm, offset, samples.length, out);
        expect(bytes).toBe(samples.length >> 1);
        for (let i = bytes; i < out.length; i++) expect(out[i]).toBe(GUARD);
      }),
    );
  });

  it('encodes split at any even point exactly as in one call', () => {
    fc.assert(
      fc.property(fc.array(int16, { minLength: 2, maxLength: 1000 }), fc.nat(), (samples, splitSeed) => {
        const pcm = Int16Array.from(samples);
        const pairs = pcm.length >> 1;
        const whole = new Uint8Array(pairs);
        new G722Encoder().encode(pcm, 0, pcm.length, whole);
        const split = 2 * (splitSeed % (pairs + 1));
        const encoder = new G722Encoder();
        const joined = new Uint8Array(pairs);
        const first = encoder.encode(pcm, 0, split, joined);
        const rest = new Uint8Array(pairs);
        const second = encoder.encode(pcm, split, pcm.length - split, rest);
        joined.set(rest.subarray(0, second), first);
        expect(first + second).toBe(pairs);
        expect(Array.from(joined)).toEqual(Array.from(whole));
      }),
    );
  });

  it('keeps the transmit QMF outputs within int16 for arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(int16, int16), { minLength: 1, maxLength: 200 }), (pairs) => {
        const analysis = new QmfAnalysis();
        for (const [earlier, later] of pairs) {
          analysis.push(earlier, later);
          expect(Math.abs(analysis.low)).toBeLessThanOrEqual(25928);
          expect(Math.abs(analysis.high)).toBeLessThanOrEqual(25928);
        }
      }),
    );
  });

  it('returns 0 and writes nothing for empty, negative or out-of-range requests', () => {
    const encoder = new G722Encoder();
    const decoder = new G722Decoder();
    const out = new Uint8Array(4).fill(GUARD);
    const pcm = new Int16Array(8).fill(1000);
    expect(encoder.encode(pcm, 0, 0, out)).toBe(0);
    expect(encoder.encode(pcm, -1, 4, out)).toBe(0);
    expect(encoder.encode(pcm, 8, 4, out)).toBe(0);
    expect(encoder.encode(pcm, 0, 1, out)).toBe(0);
    expect(Array.from(out)).toEqual([GUARD, GUARD, GUARD, GUARD]);
    // A short output buffer truncates instead of throwing.
    expect(encoder.encode(pcm, 0, 8, new Uint8Array(3))).toBe(3);
    expect(decoder.decode(new Uint8Array(4), 0, new Int16Array(8))).toBe(0);
    expect(decoder.decode(new Uint8Array(4), 4, new Int16Array(5))).toBe(4);
    encoder.close();
    decoder.close();
    encoder.close();
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createResampler } from './createResampler.js';
import { RESAMPLE_RATES } from './types.js';

const rate = fc.constantFrom(...RESAMPLE_RATES);
const chunk = fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 1200 });

describe('createResampler (properties)', () => {
  test.prop([rate, rate, fc.array(chunk, { maxLength: 12 }), fc.integer({ min: 0, max: 3 })])(
    'never throws on arbitrary PCM16 in arbitrary chunks, writes exactly ⌈T·out/in⌉ samples after T inputs, and matches one-shot conversion',
    (from, to, chunks, slack) => {
      const chunked = createResampler(from, to);
      const pieces: number[] = [];
      let inputs = 0;
      for (const values of chunks) {
        // Extra input beyond inputCount and extra output room must both be ignored.
        const input = Int16Array.from([...values, ...Array.from({ length: slack }, () => 12345)]);
        const output = new Int16Array(chunked.maxOutputCount(values.length) + slack).fill(-7);
        const written = chunked.process(input, values.length, output);
        expect(written).toBeLessThanOrEqual(chunked.maxOutputCount(values.length));
        for (let i = written; i < output.length; i++) expect(output[i]).toBe(-7);
        pieces.push(...output.subarray(0, written));
        inputs += values.length;
        expect(pieces.length).toBe(Math.ceil((inputs * to) / from));
      }
      const all = Int16Array.from(chunks.flat());
      const oneShot = createResampler(from, to);
      const whole = new Int16Array(oneShot.maxOutputCount(all.length));
      const written = oneShot.process(all, all.length, whole);
      expect(pieces).toEqual([...whole.subarray(0, written)]);
      for (const sample of pieces) {
        expect(sample).toBeGreaterThanOrEqual(-32768);
        expect(sample).toBeLessThanOrEqual(32767);
      }
      chunked.close();
      oneShot.close();
    },
  );
});

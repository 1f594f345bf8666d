import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWav } from './readWav.js';
import { WAV_HEADER_BYTES, writeWav } from './writeWav.js';

describe('writeWav', () => {
  it('writes the canonical 44-byte PCM16 header, then little-endian samples', () => {
    const out = writeWav(Int16Array.from([1, -2]), 8000);
    const header = Buffer.from(
      '52494646' + '28000000' + '57415645' + // "RIFF", 40 = 36 + 4 data bytes, "WAVE"
        '666d7420' + '10000000' + '0100' + '0100' + // "fmt ", 16, PCM, 1 channel
        '401f0000' + '803e0000' + '0200' + '1000' + // 8000 Hz, 16000 B/s, align 2, 16 bits
        '64617461' + '04000000', // "data", 4
      'hex',
    );
    expect(out.subarray(0, WAV_HEADER_BYTES)).toEqual(header);
    expect(out.subarray(WAV_HEADER_BYTES)).toEqual(Buffer.from([0x01, 0x00, 0xfe, 0xff]));
  });

  it('round-trips through readWav for any samples, rate and channel count', () => {
    const input = fc
      .record({ channels: fc.integer({ min: 1, max: 8 }), frames: fc.integer({ min: 0, max: 300 }), sampleRate: fc.integer({ min: 1, max: 384_000 }) })
      .chain(({ channels, frames, sampleRate }) =>
        fc.record({
          channels: fc.constant(channels),
          sampleRate: fc.constant(sampleRate),
          samples: fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: frames * channels, maxLength: frames * channels }),
        }),
      );
    fc.assert(
      fc.property(input, ({ channels, sampleRate, samples }) => {
        const pcm = Int16Array.from(samples);
        const bytes = writeWav(pcm, sampleRate, channels);
        expect(bytes).toHaveLength(WAV_HEADER_BYTES + pcm.length * 2);
        const wav = readWav(bytes);
        expect(wav.sampleRate).toBe(sampleRate);
        expect(wav.channels).toBe(channels);
        expect(wav.samples).toEqual(pcm);
      }),
    );
  });

  it.each([
    ['a fractional sample rate', () => writeWav(new Int16Array(2), 8000.5)],
    ['a zero sample rate', () => writeWav(new Int16Array(2), 0)],
    ['zero channels', () => writeWav(new Int16Array(2), 8000, 0)],
    ['samples that do not fill the last frame', () => writeWav(new Int16Array(3), 8000, 2)],
  ])('throws RangeError for %s', (_, write) => {
    expect(write).toThrow(RangeError);
  });
});

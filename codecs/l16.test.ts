import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readBinFixture, readSamplesFixture } from './fixtures/loadFixture.js';
import { L16Decoder, L16Encoder, type L16ByteOrder } from './l16.js';

const source = readSamplesFixture('sine440-16k-20ms.json');
const fixtures: Record<L16ByteOrder, Uint8Array> = {
  big: readBinFixture('l16be-sine440-16k-20ms.bin'),
  little: readBinFixture('l16le-sine440-16k-20ms.bin'),
};
const byteOrders: L16ByteOrder[] = ['big', 'little'];

describe.each(byteOrders)('L16 %s-endian', (byteOrder) => {
  const frame = fixtures[byteOrder];

  it('decodes the 20 ms 16 kHz fixture frame to the source samples', () => {
    expect(frame).toHaveLength(640);
    const out = new Int16Array(320);
    expect(new L16Decoder({ sampleRate: 16000, byteOrder }).decode(frame, frame.length, out)).toBe(320);
    expect(out).toEqual(source);
  });

  it('encodes the source samples to the fixture bytes', () => {
    const out = new Uint8Array(640);
    expect(new L16Encoder({ sampleRate: 16000, byteOrder }).encode(source, 0, 320, out)).toBe(640);
    expect(out).toEqual(frame);
  });

  it('decodes a truncated 37-byte frame to 18 samples, ignoring the odd byte', () => {
    const out = new Int16Array(320).fill(0x5a5a);
    expect(new L16Decoder({ sampleRate: 16000, byteOrder }).decode(frame, 37, out)).toBe(18);
    expect(out.subarray(0, 18)).toEqual(source.subarray(0, 18));
    expect(out[18]).toBe(0x5a5a);
  });

  it('sign-extends -1, -32768 and 32767', () => {
    const wire = byteOrder === 'big' ? [0xff, 0xff, 0x80, 0x00, 0x7f, 0xff, 0x00, 0x01] : [0xff, 0xff, 0x00, 0x80, 0xff, 0x7f, 0x01, 0x00];
    const out = new Int16Array(4);
    expect(new L16Decoder({ sampleRate: 16000, byteOrder }).decode(Uint8Array.from(wire), 8, out)).toBe(4);
    expect(Array.from(out)).toEqual([-1, -32768, 32767, 1]);
    const bytes = new Uint8Array(8);
    expect(new L16Encoder({ sampleRate: 16000, byteOrder }).encode(out, 0, 4, bytes)).toBe(8);
    expect(Array.from(bytes)).toEqual(wire);
  });

  it('writes no more than the payload and out hold', () => {
    const decoder = new L16Decoder({ sampleRate: 16000, byteOrder });
    expect(decoder.decode(frame.subarray(0, 7), 640, new Int16Array(320))).toBe(3);
    expect(decoder.decode(frame, 640, new Int16Array(10))).toBe(10);
    expect(decoder.decode(frame, 1, new Int16Array(10))).toBe(0);
    const encoder = new L16Encoder({ sampleRate: 16000, byteOrder });
    expect(encoder.encode(source, 310, 320, new Uint8Array(640))).toBe(20);
    expect(encoder.encode(source, 0, 320, new Uint8Array(9))).toBe(8);
    expect(encoder.encode(source, -1, 4, new Uint8Array(9))).toBe(0);
  });

  test.prop([fc.int16Array({ maxLength: 400 }), fc.nat({ max: 400 })])(
    'round-trips any int16 samples exactly',
    (pcm, offsetSeed) => {
      const offset = pcm.length === 0 ? 0 : offsetSeed % pcm.length;
      const count = pcm.length - offset;
      const bytes = new Uint8Array(count * 2 + 1);
      const back = new Int16Array(count);
      expect(new L16Encoder({ sampleRate: 16000, byteOrder }).encode(pcm, offset, count, bytes)).toBe(count * 2);
      expect(new L16Decoder({ sampleRate: 16000, byteOrder }).decode(bytes, count * 2, back)).toBe(count);
      expect(back).toEqual(pcm.subarray(offset));
    },
  );
});

describe('L16 options', () => {
  it('defaults to big-endian (network order)', () => {
    expect(new L16Decoder({ sampleRate: 16000 }).byteOrder).toBe('big');
    expect(new L16Encoder({ sampleRate: 16000 }).byteOrder).toBe('big');
    const out = new Int16Array(1);
    new L16Decoder({ sampleRate: 16000 }).decode(Uint8Array.of(0x01, 0x02), 2, out);
    expect(out[0]).toBe(0x0102);
  });

  it('reports its sample rate and closes idempotently', () => {
    const decoder = new L16Decoder({ sampleRate: 8000, byteOrder: 'little' });
    expect(decoder.sampleRate).toBe(8000);
    decoder.close();
    decoder.close();
  });

  it.each([0, -16000, 15999.5, Number.NaN])('rejects sample rate %s', (sampleRate) => {
    expect(() => new L16Decoder({ sampleRate })).toThrow(RangeError);
    expect(() => new L16Encoder({ sampleRate })).toThrow(RangeError);
  });
});

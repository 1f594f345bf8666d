import { describe, expect, it } from 'vitest';
import { createDecoder, createEncoder } from './createCodec.js';
import { UnsupportedCodecError, isUnsupportedCodecError } from './errors.js';
import { L16Decoder, L16Encoder } from './l16.js';
import { PcmaDecoder, PcmaEncoder } from './pcma.js';
import { PcmuDecoder, PcmuEncoder } from './pcmu.js';

/** Runs `fn` and returns what it threw, failing the test if it did not throw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createDecoder / createEncoder', () => {
  it.each([
    ['PCMU', 8000, PcmuDecoder, PcmuEncoder],
    ['pcmu', 8000, PcmuDecoder, PcmuEncoder],
    ['PCMA', 8000, PcmaDecoder, PcmaEncoder],
    ['Pcma', 8000, PcmaDecoder, PcmaEncoder],
    ['L16', 16000, L16Decoder, L16Encoder],
    ['l16', 8000, L16Decoder, L16Encoder],
  ] as const)('%s at %d Hz', (encoding, sampleRate, Decoder, Encoder) => {
    const decoder = createDecoder({ encoding, sampleRate });
    const encoder = createEncoder({ encoding, sampleRate });
    expect(decoder).toBeInstanceOf(Decoder);
    expect(encoder).toBeInstanceOf(Encoder);
    expect(decoder.sampleRate).toBe(sampleRate);
    expect(encoder.sampleRate).toBe(sampleRate);
  });

  it('defaults L16 to big-endian and honours l16ByteOrder', () => {
    const format = { encoding: 'L16', sampleRate: 16000 };
    expect(createDecoder(format)).toMatchObject({ byteOrder: 'big' });
    expect(createEncoder(format)).toMatchObject({ byteOrder: 'big' });
    expect(createDecoder(format, { l16ByteOrder: 'little' })).toMatchObject({ byteOrder: 'little' });
    expect(createEncoder(format, { l16ByteOrder: 'little' })).toMatchObject({ byteOrder: 'little' });
  });

  it.each([
    ['OPUS', 48000],
    ['G722', 16000],
    ['AMR-WB', 16000],
    ['speex', 8000],
    ['', 8000],
    ['PCMU', 16000],
    ['PCMA', 16000],
    ['L16', 0],
    ['L16', 22050.5],
  ])('rejects %j at %d Hz with UnsupportedCodecError', (encoding, sampleRate) => {
    for (const create of [createDecoder, createEncoder]) {
      const error = thrown(() => create({ encoding, sampleRate }));
      expect(error).toBeInstanceOf(UnsupportedCodecError);
      expect(isUnsupportedCodecError(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'UnsupportedCodecError',
        code: 'CW_UNSUPPORTED_CODEC',
        retryable: false,
        encoding,
        sampleRate,
      });
      expect((error as Error).message).toContain('PCMU and PCMA at 8000 Hz');
    }
  });

  it('names the rate problem for G.711 at a non-8 kHz rate', () => {
    expect(() => createDecoder({ encoding: 'pcmu', sampleRate: 16000 })).toThrow(
      /PCMU is only defined at 8000 Hz, got 16000 Hz/,
    );
  });

  it('names the encoding for an unknown codec', () => {
    expect(() => createEncoder({ encoding: 'OPUS', sampleRate: 48000 })).toThrow(/Unsupported encoding "OPUS"/);
  });
});

import { describe, expect, it } from 'vitest';
import { createDecoder, createEncoder } from './createCodec.js';
import { UnsupportedCodecError, isUnsupportedCodecError } from './errors.js';
import { G722Decoder, G722Encoder } from './g722/index.js';
import { L16Decoder, L16Encoder } from './l16.js';
import { OpusFrameDecoder } from './opus/opusFrameDecoder.js';
import { OpusFrameEncoder } from './opus/opusFrameEncoder.js';
import { PcmaDecoder, PcmaEncoder } from './pcma.js';
import { PcmuDecoder, PcmuEncoder } from './pcmu.js';
import { thrown } from './fixtures/thrown.js';

describe('createDecoder / createEncoder', () => {
  it.each([
    ['PCMU', 8000, PcmuDecoder, PcmuEncoder],
    ['pcmu', 8000, PcmuDecoder, PcmuEncoder],
    ['PCMA', 8000, PcmaDecoder, PcmaEncoder],
    ['Pcma', 8000, PcmaDecoder, PcmaEncoder],
    ['L16', 16000, L16Decoder, L16Encoder],
    ['l16', 8000, L16Decoder, L16Encoder],
    ['OPUS', 8000, OpusFrameDecoder, OpusFrameEncoder],
    ['opus', 16000, OpusFrameDecoder, OpusFrameEncoder],
    ['OPUS', 24000, OpusFrameDecoder, OpusFrameEncoder],
    ['Opus', 48000, OpusFrameDecoder, OpusFrameEncoder],
  ] as const)('%s at %d Hz', (encoding, sampleRate, Decoder, Encoder) => {
    const decoder = createDecoder({ encoding, sampleRate });
    const encoder = createEncoder({ encoding, sampleRate });
    expect(decoder).toBeInstanceOf(Decoder);
    expect(encoder).toBeInstanceOf(Encoder);
    expect(decoder.sampleRate).toBe(sampleRate);
    expect(encoder.sampleRate).toBe(sampleRate);
    decoder.close();
    encoder.close();
  });

  it('gives Opus a fresh native coder per call, with VOIP 20 ms frames and in-band FEC', () => {
    const format = { encoding: 'OPUS', sampleRate: 16000 };
    const first = createDecoder(format);
    const second = createDecoder(format);
    expect(first).not.toBe(second);
    const encoder = createEncoder(format);
    expect(encoder).toMatchObject({ frameSamples: 320, inbandFec: true });
    const packet = new Uint8Array(400);
    const bytes = encoder.encode(new Int16Array(320).fill(3000), 0, 320, packet);
    expect(first.decode(packet, bytes, new Int16Array(320))).toBe(320);
    for (const coder of [first, second, encoder]) coder.close();
  });

  it.each([
    ['G722', 8000],
    ['g722', 16000],
  ] as const)('%s at %d Hz (RTP clock or audio rate) gives 16 kHz G.722 coders', (encoding, sampleRate) => {
    const decoder = createDecoder({ encoding, sampleRate });
    const encoder = createEncoder({ encoding, sampleRate });
    expect(decoder).toBeInstanceOf(G722Decoder);
    expect(encoder).toBeInstanceOf(G722Encoder);
    expect(decoder.sampleRate).toBe(16000);
    expect(encoder.sampleRate).toBe(16000);
    const payload = new Uint8Array(160);
    expect(encoder.encode(new Int16Array(320).fill(3000), 0, 320, payload)).toBe(160);
    expect(decoder.decode(payload, 160, new Int16Array(320))).toBe(320);
    decoder.close();
    encoder.close();
  });

  it('gives G.722 a fresh stateful coder per call', () => {
    const format = { encoding: 'G722', sampleRate: 8000 };
    expect(createDecoder(format)).not.toBe(createDecoder(format));
    expect(createEncoder(format)).not.toBe(createEncoder(format));
  });

  it('defaults L16 to big-endian and honours l16ByteOrder', () => {
    const format = { encoding: 'L16', sampleRate: 16000 };
    expect(createDecoder(format)).toMatchObject({ byteOrder: 'big' });
    expect(createEncoder(format)).toMatchObject({ byteOrder: 'big' });
    expect(createDecoder(format, { l16ByteOrder: 'little' })).toMatchObject({ byteOrder: 'little' });
    expect(createEncoder(format, { l16ByteOrder: 'little' })).toMatchObject({ byteOrder: 'little' });
  });

  it.each([
    ['OPUS', 12000],
    ['opus', 44100],
    ['OPUS', 22050],
    ['G722', 48000],
    ['G722', 24000],
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
    expect(() => createEncoder({ encoding: 'AMR-WB', sampleRate: 16000 })).toThrow(/Unsupported encoding "AMR-WB"/);
  });

  it('names the rate problem for G.722 at a rate that is neither its RTP clock nor its audio rate', () => {
    expect(() => createDecoder({ encoding: 'G722', sampleRate: 48000 })).toThrow(
      /G722 is 16 kHz audio on an 8000 Hz RTP clock, so its rate is 8000 or 16000 Hz, got 48000 Hz/,
    );
  });

  it('names the rate problem for Opus at a rate Telnyx does not stream', () => {
    expect(() => createDecoder({ encoding: 'OPUS', sampleRate: 12000 })).toThrow(
      /OPUS is only supported at 8000, 16000, 24000 or 48000 Hz, got 12000 Hz/,
    );
  });
});

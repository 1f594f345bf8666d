import { describe, expect, it } from 'vitest';
import { WavFormatError } from './errors.js';
import { readWav } from './readWav.js';

const latin1 = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** A chunk with `size` taken from the body (or forced), padded to even length unless `pad` is false. */
function chunk(id: string, body: readonly number[], opts: { size?: number; pad?: boolean } = {}): number[] {
  const padByte = (opts.pad ?? true) && body.length % 2 === 1 ? [0] : [];
  return [...latin1(id), ...u32(opts.size ?? body.length), ...body, ...padByte];
}

function fmtBody(o: { format?: number; channels?: number; rate?: number; bits?: number; align?: number } = {}): number[] {
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const rate = o.rate ?? 8000;
  const align = o.align ?? channels * (bits / 8);
  return [...u16(o.format ?? 1), ...u16(channels), ...u32(rate), ...u32(rate * align), ...u16(align), ...u16(bits)];
}

function riff(...chunks: number[][]): Uint8Array {
  const body = [...latin1('WAVE'), ...chunks.flat()];
  return Uint8Array.from([...latin1('RIFF'), ...u32(body.length), ...body]);
}

// Samples 1, -2, 32767, -32768 as little-endian bytes.
const DATA = [0x01, 0x00, 0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80];
const EXPECTED = [1, -2, 32767, -32768];

describe('readWav', () => {
  it('reads a minimal canonical mono file', () => {
    const wav = readWav(riff(chunk('fmt ', fmtBody()), chunk('data', DATA)));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.channels).toBe(1);
    expect(Array.from(wav.samples)).toEqual(EXPECTED);
  });

  it('skips a LIST chunk and an odd-sized chunk with its pad byte before the data', () => {
    const list = chunk('LIST', [...latin1('INFO'), ...chunk('ISFT', [...latin1('sox'), 0])]);
    const odd = chunk('junk', [1, 2, 3]); // 3-byte body + 1 pad byte
    expect(odd).toHaveLength(12);
    const wav = readWav(riff(chunk('fmt ', fmtBody({ channels: 2, rate: 16000 })), list, odd, chunk('data', DATA)));
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 2 });
    expect(Array.from(wav.samples)).toEqual(EXPECTED);
  });

  it('accepts an 18-byte fmt chunk (cbSize) and a fact chunk, and data before fmt', () => {
    const wav = readWav(riff(chunk('data', DATA), chunk('fact', u32(4)), chunk('fmt ', [...fmtBody(), 0, 0])));
    expect(Array.from(wav.samples)).toEqual(EXPECTED);
  });

  it('reads from a view that does not start at offset 0 of its buffer', () => {
    const file = riff(chunk('fmt ', fmtBody()), chunk('data', DATA));
    const backing = new Uint8Array(file.length + 3);
    backing.set(file, 3);
    expect(Array.from(readWav(backing.subarray(3)).samples)).toEqual(EXPECTED);
  });

  it('stops at the data chunk, ignoring trailing bytes', () => {
    const file = riff(chunk('fmt ', fmtBody()), chunk('data', DATA));
    const withTail = Uint8Array.from([...file, 0xde, 0xad, 0xbe]);
    expect(Array.from(readWav(withTail).samples)).toEqual(EXPECTED);
  });

  it('returns an empty sample array for an empty data chunk', () => {
    expect(readWav(riff(chunk('fmt ', fmtBody()), chunk('data', []))).samples).toHaveLength(0);
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['shorter than the RIFF header', () => Uint8Array.from(latin1('RIFF')), /shorter than the 12-byte RIFF header/],
    ['not RIFF', () => Uint8Array.from([...latin1('RIFX'), ...u32(4), ...latin1('WAVE')]), /not a RIFF file: starts with "RIFX"/],
    ['not WAVE', () => Uint8Array.from([...latin1('RIFF'), ...u32(4), ...latin1('AVI ')]), /form type is "AVI ", not "WAVE"/],
    ['missing fmt', () => riff(chunk('data', DATA)), /no "fmt " chunk/],
    ['missing data', () => riff(chunk('fmt ', fmtBody()), chunk('LIST', latin1('INFO'))), /no "data" chunk/],
    ['fmt too short', () => riff(chunk('fmt ', fmtBody().slice(0, 14)), chunk('data', DATA)), /"fmt " chunk is 14 bytes/],
    ['IEEE float', () => riff(chunk('fmt ', fmtBody({ format: 3, bits: 32 })), chunk('data', DATA)), /unsupported WAV format 3 \(IEEE float\)/],
    ['extensible', () => riff(chunk('fmt ', fmtBody({ format: 0xfffe })), chunk('data', DATA)), /format 65534 \(WAVE_FORMAT_EXTENSIBLE\)/],
    ['A-law', () => riff(chunk('fmt ', fmtBody({ format: 6, bits: 8 })), chunk('data', DATA)), /unsupported WAV format 6;/],
    ['8-bit PCM', () => riff(chunk('fmt ', fmtBody({ bits: 8 })), chunk('data', DATA)), /bit depth 8/],
    ['24-bit PCM', () => riff(chunk('fmt ', fmtBody({ bits: 24 })), chunk('data', DATA.slice(0, 6))), /bit depth 24/],
    ['zero channels', () => riff(chunk('fmt ', fmtBody({ channels: 0, align: 0 })), chunk('data', DATA)), /0 channels/],
    ['zero sample rate', () => riff(chunk('fmt ', fmtBody({ rate: 0 })), chunk('data', DATA)), /sample rate of 0 Hz/],
    ['wrong block align', () => riff(chunk('fmt ', fmtBody({ align: 4 })), chunk('data', DATA)), /block align is 4, expected 2/],
    ['data truncated', () => riff(chunk('fmt ', fmtBody()), chunk('data', DATA, { size: 100 })), /truncated: "data" chunk declares 100 bytes but 8 remain/],
    ['data cut mid-frame', () => riff(chunk('fmt ', fmtBody({ channels: 2 })), chunk('data', DATA.slice(0, 6))), /6 bytes, not a whole number of 4-byte frames/],
    ['odd data size', () => riff(chunk('fmt ', fmtBody()), chunk('data', DATA.slice(0, 7))), /7 bytes, not a whole number of 2-byte frames/],
    ['skipped chunk overruns the file', () => riff(chunk('fmt ', fmtBody()), chunk('LIST', [0, 0], { size: 64 })), /"LIST" chunk declares 64 bytes but 2 remain/],
  ];

  it.each(bad)('throws WavFormatError: %s', (_, build, message) => {
    const bytes = build();
    expect(() => readWav(bytes)).toThrow(message);
    try {
      readWav(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(WavFormatError);
      expect(error).toMatchObject({ name: 'WavFormatError', code: 'CW_WAV_FORMAT', retryable: false });
    }
  });
});

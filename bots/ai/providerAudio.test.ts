import { describe, expect, it } from 'vitest';
import { ProviderDecoder, ProviderEncoder, providerFormatFor } from './providerAudio.js';

describe('provider audio', () => {
  it('sends G.711 as the call carries it at 8 kHz and 24 kHz PCM otherwise', () => {
    expect(providerFormatFor(8000, 'PCMU')).toEqual({ encoding: 'pcmu', sampleRate: 8000 });
    expect(providerFormatFor(8000, 'PCMA')).toEqual({ encoding: 'pcma', sampleRate: 8000 });
    expect(providerFormatFor(24_000, 'L16')).toEqual({ encoding: 'pcm16', sampleRate: 24_000 });
    expect(() => providerFormatFor(16_000, 'L16')).toThrow(/8000 or 24000/);
  });

  it('encodes μ-law to the G.711 reference bytes', () => {
    // ITU-T G.711 μ-law: 0 → 0xFF, -1 → 0x7F, 32767 → 0x80, -32768 → 0x00.
    const bytes = new ProviderEncoder({ encoding: 'pcmu', sampleRate: 8000 }).encode(Int16Array.of(0, -1, 32767, -32768), 4);
    expect([...bytes]).toEqual([0xff, 0x7f, 0x80, 0x00]);
  });

  it('passes PCM16 little-endian both ways, across odd chunk boundaries', () => {
    const format = { encoding: 'pcm16', sampleRate: 24_000 } as const;
    const bytes = new ProviderEncoder(format).encode(Int16Array.of(1, -2, 0x1234), 3);
    expect([...bytes]).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]);
    const decoder = new ProviderDecoder(format);
    const first = decoder.decode(bytes.subarray(0, 3));
    expect([...first.samples.subarray(0, first.count)]).toEqual([1]);
    const second = decoder.decode(bytes.subarray(3));
    expect([...second.samples.subarray(0, second.count)]).toEqual([-2, 0x1234]);
  });
});

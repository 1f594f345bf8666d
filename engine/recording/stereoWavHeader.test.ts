import { describe, expect, it } from 'vitest';
import { readWav } from '../../bots/wav/readWav.js';
import { createStereoWavHeader, MAX_WAV_DATA_BYTES, setWavDataBytes } from './stereoWavHeader.js';

describe('stereo WAV header', () => {
  it('is an empty stereo WAV on its own, and declares the audio appended after setWavDataBytes', () => {
    const header = createStereoWavHeader(16_000);
    expect(header.length).toBe(44);
    expect(readWav(header)).toEqual({ sampleRate: 16_000, channels: 2, samples: new Int16Array(0) });
    const audio = Buffer.alloc(8);
    audio.writeInt16LE(1, 0);
    audio.writeInt16LE(-2, 2);
    setWavDataBytes(header, audio.length);
    expect(readWav(Buffer.concat([header, audio])).samples).toEqual(Int16Array.from([1, -2, 0, 0]));
    expect(header.readUInt32LE(4)).toBe(44 - 8 + audio.length);
  });

  it('refuses sizes past the RIFF limit, which is whole stereo frames', () => {
    const header = createStereoWavHeader(8000);
    expect(MAX_WAV_DATA_BYTES % 4).toBe(0);
    setWavDataBytes(header, MAX_WAV_DATA_BYTES);
    expect(header.readUInt32LE(4)).toBeLessThanOrEqual(0xffffffff);
    expect(() => setWavDataBytes(header, MAX_WAV_DATA_BYTES + 4)).toThrow(RangeError);
  });
});

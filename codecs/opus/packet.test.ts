import { describe, expect, it } from 'vitest';
import { OPUS_SAMPLE_RATES, concealmentToc, isOpusSampleRate, opusPacketSampleCount } from './packet.js';

/** A packet whose TOC has configuration `config`, stereo flag 0 and frame-count code `code`. */
function toc(config: number, code: number, ...rest: number[]): Uint8Array {
  return Uint8Array.from([(config << 3) | code, ...rest]);
}

describe('opusPacketSampleCount', () => {
  it.each([
    [1, 0, 8000, 160], // SILK NB 20 ms
    [9, 0, 16000, 320], // SILK WB 20 ms
    [11, 0, 48000, 2880], // SILK WB 60 ms
    [13, 0, 24000, 480], // Hybrid SWB 20 ms
    [16, 0, 8000, 20], // CELT NB 2.5 ms
    [31, 0, 48000, 960], // CELT FB 20 ms
    [9, 1, 16000, 640], // two frames, code 1
    [9, 2, 16000, 640], // two frames, code 2
  ])('config %d code %d at %d Hz is %d samples', (config, code, rate, expected) => {
    expect(opusPacketSampleCount(toc(config, code, 0, 0), 3, rate)).toBe(expected);
  });

  it('reads the frame count of a code-3 packet from its second byte', () => {
    expect(opusPacketSampleCount(toc(9, 3, 0x03), 2, 16000)).toBe(960);
    expect(opusPacketSampleCount(toc(9, 3, 0x83), 2, 16000)).toBe(960); // VBR and padding bits ignored
  });

  it.each([
    ['an empty packet', new Uint8Array(0), 0],
    ['a zero length', toc(9, 0), 0],
    ['code 3 without a count byte', toc(9, 3), 1],
    ['code 3 with zero frames', toc(9, 3, 0), 2],
    ['more than 120 ms', toc(11, 3, 3), 2], // 3 x 60 ms
  ])('rejects %s', (_name, packet, length) => {
    expect(opusPacketSampleCount(packet, length, 48000)).toBe(-1);
  });
});

describe('concealmentToc', () => {
  it.each([
    [0, 20, 1], // SILK NB 10 ms -> 20 ms
    [11, 20, 9], // SILK WB 60 ms -> 20 ms
    [9, 10, 8],
    [12, 20, 13], // Hybrid SWB
    [15, 10, 14], // Hybrid FB
    [28, 20, 31], // CELT FB 2.5 ms -> 20 ms
    [31, 10, 30],
  ] as const)('maps config %d at %d ms to config %d', (config, ms, expected) => {
    const concealed = concealmentToc((config << 3) | 3, ms);
    expect(concealed >> 3).toBe(expected);
    expect(concealed & 0x03).toBe(0); // one frame: code 0
  });

  it('keeps the stereo flag', () => {
    expect(concealmentToc((9 << 3) | 0x04 | 1, 20) & 0x04).toBe(0x04);
  });

  it('makes a one-frame packet of the requested duration at every rate', () => {
    for (const rate of OPUS_SAMPLE_RATES) {
      for (const config of [1, 9, 13, 15, 19, 31]) {
        expect(opusPacketSampleCount(Uint8Array.of(concealmentToc(config << 3, 20)), 1, rate)).toBe(rate / 50);
        expect(opusPacketSampleCount(Uint8Array.of(concealmentToc(config << 3, 10)), 1, rate)).toBe(rate / 100);
      }
    }
  });
});

describe('isOpusSampleRate', () => {
  it('accepts the four Telnyx rates only', () => {
    expect([8000, 16000, 24000, 48000].every(isOpusSampleRate)).toBe(true);
    expect([0, 12000, 22050, 44100, 16000.5].some(isOpusSampleRate)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { UnsupportedCodecError } from '../errors.js';
import { OpusCodecError, OpusErrorCode } from './errors.js';
import { silkHeaderFlags } from './fixtures/silkHeader.js';
import { tone, voiced } from './fixtures/signals.js';
import { OpusFrameEncoder, defaultOpusBitrate } from './opusFrameEncoder.js';
import { OPUS_SAMPLE_RATES, opusPacketSampleCount } from './packet.js';
import { thrown } from '../fixtures/thrown.js';

/** Encodes `pcm` frame by frame; returns copies of the packets. */
function encodeAll(encoder: OpusFrameEncoder, pcm: Int16Array): Uint8Array[] {
  const out = new Uint8Array(1500);
  const packets: Uint8Array[] = [];
  for (let at = 0; at + encoder.frameSamples <= pcm.length; at += encoder.frameSamples) {
    packets.push(out.slice(0, encoder.encode(pcm, at, encoder.frameSamples, out)));
  }
  return packets;
}

describe('OpusFrameEncoder', () => {
  it.each(OPUS_SAMPLE_RATES)('at %d Hz makes one 20 ms, one-frame packet per call', (rate) => {
    const encoder = new OpusFrameEncoder({ sampleRate: rate });
    expect(encoder).toMatchObject({
      sampleRate: rate,
      frameSamples: rate / 50,
      bitrate: defaultOpusBitrate(rate),
      complexity: 5,
      inbandFec: true,
      packetLossPercent: 10,
    });
    const packets = encodeAll(encoder, tone(rate, 440, (rate / 50) * 25));
    expect(packets).toHaveLength(25);
    let bytes = 0;
    for (const packet of packets) {
      expect(packet[0]! & 0x03).toBe(0); // code 0: a single frame, never concatenated
      expect(opusPacketSampleCount(packet, packet.length, rate)).toBe(rate / 50);
      bytes += packet.length;
    }
    // VBR around the target: within a factor of two of bitrate x 20 ms.
    const target = (encoder.bitrate / 8) * 0.02 * packets.length;
    expect(bytes).toBeGreaterThan(target / 2);
    expect(bytes).toBeLessThan(target * 2);
  });

  it.each(OPUS_SAMPLE_RATES)('at %d Hz carries in-band FEC (SILK LBRR) by default and none when disabled', (rate) => {
    const pcm = voiced(rate, (rate / 50) * 25);
    const withFec = encodeAll(new OpusFrameEncoder({ sampleRate: rate }), pcm);
    const withoutFec = encodeAll(new OpusFrameEncoder({ sampleRate: rate, inbandFec: false }), pcm);
    const lbrrCount = (packets: Uint8Array[]): number => packets.filter((p) => silkHeaderFlags(p)?.lbrr === true).length;
    expect(lbrrCount(withFec)).toBeGreaterThanOrEqual(12);
    expect(lbrrCount(withoutFec)).toBe(0);
  });

  it('honours bitrate: 12 kb/s packets are smaller than 64 kb/s ones', () => {
    const pcm = voiced(16000, 320 * 25);
    const size = (bitrate: number): number => {
      const encoder = new OpusFrameEncoder({ sampleRate: 16000, bitrate });
      expect(encoder.bitrate).toBe(bitrate);
      return encodeAll(encoder, pcm).reduce((sum, p) => sum + p.length, 0);
    };
    expect(size(12_000) * 3).toBeLessThan(size(64_000));
  });

  it('encodes from offset exactly as from a copy of the frame', () => {
    const source = voiced(16000, 1000);
    const a = new OpusFrameEncoder({ sampleRate: 16000 });
    const b = new OpusFrameEncoder({ sampleRate: 16000 });
    const outA = new Uint8Array(400);
    const outB = new Uint8Array(400);
    for (const offset of [0, 37, 500]) {
      const lengthA = a.encode(source, offset, 320, outA);
      const lengthB = b.encode(source.slice(offset, offset + 320), 0, 320, outB);
      expect(outA.subarray(0, lengthA)).toEqual(outB.subarray(0, lengthB));
    }
  });

  it('pads a short frame with silence', () => {
    const frame = voiced(16000, 320);
    const padded = frame.slice();
    padded.fill(0, 100);
    const short = new OpusFrameEncoder({ sampleRate: 16000 });
    const full = new OpusFrameEncoder({ sampleRate: 16000 });
    const outShort = new Uint8Array(400);
    const outFull = new Uint8Array(400);
    const lengthShort = short.encode(frame, 0, 100, outShort);
    const lengthFull = full.encode(padded, 0, 320, outFull);
    expect(outShort.subarray(0, lengthShort)).toEqual(outFull.subarray(0, lengthFull));
  });

  it('returns 0 when there is nothing to encode', () => {
    const encoder = new OpusFrameEncoder({ sampleRate: 8000 });
    const pcm = new Int16Array(160);
    const out = new Uint8Array(100);
    expect(encoder.encode(pcm, 0, 0, out)).toBe(0);
    expect(encoder.encode(pcm, 160, 160, out)).toBe(0);
    expect(encoder.encode(pcm, -1, 160, out)).toBe(0);
  });

  it('refuses more than one frame and an out too small for the packet', () => {
    const encoder = new OpusFrameEncoder({ sampleRate: 8000 });
    const pcm = voiced(8000, 400);
    expect(thrown(() => encoder.encode(pcm, 0, 161, new Uint8Array(200)))).toMatchObject({
      name: 'OpusCodecError',
      code: OpusErrorCode.FrameTooLong,
      recoverable: true,
    });
    expect(thrown(() => encoder.encode(pcm, 0, 160, new Uint8Array(2)))).toMatchObject({ code: OpusErrorCode.OutputTooSmall });
    expect(encoder.encode(pcm, 160, 160, new Uint8Array(200))).toBeGreaterThan(2);
  });

  it.each([
    ['bitrate', { bitrate: 5999 }],
    ['bitrate', { bitrate: 510_001 }],
    ['bitrate', { bitrate: 24_000.5 }],
    ['complexity', { complexity: 11 }],
    ['complexity', { complexity: -1 }],
    ['packetLossPercent', { packetLossPercent: 101 }],
  ])('rejects an out-of-range %s', (name, options) => {
    const error = thrown(() => new OpusFrameEncoder({ sampleRate: 16000, ...options }));
    expect(error).toBeInstanceOf(OpusCodecError);
    expect(error).toMatchObject({ code: OpusErrorCode.InvalidOption, recoverable: false });
    expect((error as Error).message).toContain(name);
  });

  it.each([12000, 44100, 11025])('rejects %d Hz with UnsupportedCodecError', (rate) => {
    expect(thrown(() => new OpusFrameEncoder({ sampleRate: rate }))).toBeInstanceOf(UnsupportedCodecError);
  });
});

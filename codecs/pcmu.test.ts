import { describe, expect, it } from 'vitest';
import { readBinFixture, readSamplesFixture } from './fixtures/loadFixture.js';
import { PcmuDecoder, PcmuEncoder, mulawDecodeInto, mulawEncodeInto } from './pcmu.js';

const frame = readBinFixture('pcmu-sine440-8k-20ms.bin');
const decoded = readSamplesFixture('pcmu-sine440-8k-20ms.decoded.json');
const source = readSamplesFixture('sine440-8k-20ms.json');

describe('PcmuDecoder', () => {
  it('decodes the 20 ms fixture frame to the expected samples', () => {
    expect(frame).toHaveLength(160);
    const out = new Int16Array(160);
    expect(new PcmuDecoder().decode(frame, frame.length, out)).toBe(160);
    expect(out).toEqual(decoded);
  });

  it('decodes a truncated 37-byte frame to 37 samples and leaves the rest of out alone', () => {
    const out = new Int16Array(160).fill(0x5a5a);
    expect(new PcmuDecoder().decode(frame, 37, out)).toBe(37);
    expect(out.subarray(0, 37)).toEqual(decoded.subarray(0, 37));
    expect(out.subarray(37).every((v) => v === 0x5a5a)).toBe(true);
  });

  it('writes no more than the payload and out hold', () => {
    expect(mulawDecodeInto(frame.subarray(0, 10), 160, new Int16Array(160))).toBe(10);
    expect(mulawDecodeInto(frame, 160, new Int16Array(20))).toBe(20);
    expect(mulawDecodeInto(frame, 0, new Int16Array(20))).toBe(0);
    expect(mulawDecodeInto(frame, -1, new Int16Array(20))).toBe(0);
  });

  it('runs at 8 kHz and closes idempotently', () => {
    const decoder = new PcmuDecoder();
    expect(decoder.sampleRate).toBe(8000);
    decoder.close();
    decoder.close();
  });
});

describe('PcmuEncoder', () => {
  it('encodes the fixture source to the fixture bytes', () => {
    const out = new Uint8Array(160);
    expect(new PcmuEncoder().encode(source, 0, source.length, out)).toBe(160);
    expect(out).toEqual(frame);
  });

  it('encodes from an offset into out[0]', () => {
    const out = new Uint8Array(160);
    expect(new PcmuEncoder().encode(source, 100, 37, out)).toBe(37);
    expect(out.subarray(0, 37)).toEqual(frame.subarray(100, 137));
  });

  it('writes no more than the input and out hold', () => {
    expect(mulawEncodeInto(source, 150, 160, new Uint8Array(160))).toBe(10);
    expect(mulawEncodeInto(source, 0, 160, new Uint8Array(20))).toBe(20);
    expect(mulawEncodeInto(source, -1, 10, new Uint8Array(20))).toBe(0);
  });

  it('runs at 8 kHz and closes idempotently', () => {
    const encoder = new PcmuEncoder();
    expect(encoder.sampleRate).toBe(8000);
    encoder.close();
    encoder.close();
  });
});

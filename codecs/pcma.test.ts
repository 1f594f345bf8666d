import { describe, expect, it } from 'vitest';
import { readBinFixture, readSamplesFixture } from './fixtures/loadFixture.js';
import { PcmaDecoder, PcmaEncoder, alawDecodeInto, alawEncodeInto } from './pcma.js';

const frame = readBinFixture('pcma-sine440-8k-20ms.bin');
const decoded = readSamplesFixture('pcma-sine440-8k-20ms.decoded.json');
const source = readSamplesFixture('sine440-8k-20ms.json');

describe('PcmaDecoder', () => {
  it('decodes the 20 ms fixture frame to the expected samples', () => {
    expect(frame).toHaveLength(160);
    const out = new Int16Array(160);
    expect(new PcmaDecoder().decode(frame, frame.length, out)).toBe(160);
    expect(out).toEqual(decoded);
  });

  it('decodes a truncated 37-byte frame to 37 samples and leaves the rest of out alone', () => {
    const out = new Int16Array(160).fill(0x5a5a);
    expect(new PcmaDecoder().decode(frame, 37, out)).toBe(37);
    expect(out.subarray(0, 37)).toEqual(decoded.subarray(0, 37));
    expect(out.subarray(37).every((v) => v === 0x5a5a)).toBe(true);
  });

  it('writes no more than the payload and out hold', () => {
    expect(alawDecodeInto(frame.subarray(0, 10), 160, new Int16Array(160))).toBe(10);
    expect(alawDecodeInto(frame, 160, new Int16Array(20))).toBe(20);
    expect(alawDecodeInto(frame, 0, new Int16Array(20))).toBe(0);
    expect(alawDecodeInto(frame, -1, new Int16Array(20))).toBe(0);
  });

  it('runs at 8 kHz and closes idempotently', () => {
    const decoder = new PcmaDecoder();
    expect(decoder.sampleRate).toBe(8000);
    decoder.close();
    decoder.close();
  });
});

describe('PcmaEncoder', () => {
  it('encodes the fixture source to the fixture bytes', () => {
    const out = new Uint8Array(160);
    expect(new PcmaEncoder().encode(source, 0, source.length, out)).toBe(160);
    expect(out).toEqual(frame);
  });

  it('encodes from an offset into out[0]', () => {
    const out = new Uint8Array(160);
    expect(new PcmaEncoder().encode(source, 100, 37, out)).toBe(37);
    expect(out.subarray(0, 37)).toEqual(frame.subarray(100, 137));
  });

  it('writes no more than the input and out hold', () => {
    expect(alawEncodeInto(source, 150, 160, new Uint8Array(160))).toBe(10);
    expect(alawEncodeInto(source, 0, 160, new Uint8Array(20))).toBe(20);
    expect(alawEncodeInto(source, -1, 10, new Uint8Array(20))).toBe(0);
  });

  it('runs at 8 kHz and closes idempotently', () => {
    const encoder = new PcmaEncoder();
    expect(encoder.sampleRate).toBe(8000);
    encoder.close();
    encoder.close();
  });
});

import { describe, expect, it } from 'vitest';
import { G722Decoder } from './decoder.js';
import { G722Encoder } from './encoder.js';
import { readG722Fixture, readPcmFixture } from './fixtures/loadG722Fixture.js';
import { HighBandAdpcm } from './highBand.js';
import { LowBandAdpcm } from './lowBand.js';
import { QmfSynthesis } from './qmf.js';

/** PCM signals that spandsp encoded (fixtures/README.md). */
const SIGNALS = ['tone1k', 'sweep', 'noise', 'fullscale'] as const;
/** Byte streams that spandsp decoded: the encodings above plus wire bytes no encoder emits. */
const STREAMS = [...SIGNALS, 'randombytes', 'edgebytes', 'runbytes'] as const;
/** 20 ms at 16 kHz. */
const FRAME_SAMPLES = 320;

/** Encodes `pcm` in one call with a fresh encoder. */
function encodeAll(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length / 2);
  expect(new G722Encoder().encode(pcm, 0, pcm.length, out)).toBe(out.length);
  return out;
}

/** Decodes `bytes` in one call with a fresh decoder. */
function decodeAll(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length * 2);
  expect(new G722Decoder().decode(bytes, bytes.length, out)).toBe(out.length);
  return out;
}

/** Indexes where `a` and `b` differ. */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  expect(a.length).toBe(b.length);
  const at: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) at.push(i);
  return at;
}

describe('G.722 against spandsp 0.0.6 (Debian libspandsp2)', () => {
  it.each(SIGNALS)('encodes %s bit-exactly', (name) => {
    const encoded = encodeAll(readPcmFixture(`${name}.pcm`));
    expect(mismatches(encoded, readG722Fixture(`${name}.g722`))).toEqual([]);
  });

  it.each(['tone1k', 'sweep', 'noise'] as const)('decodes %s bit-exactly', (name) => {
    const decoded = decodeAll(readG722Fixture(`${name}.g722`));
    expect(mismatches(decoded, readPcmFixture(`${name}.decoded.pcm`))).toEqual([]);
  });

  // spandsp 0.0.6 casts the receive QMF output to int16, so a sum past full scale wraps to the
  // other rail (a click); G722Decoder limits it instead. Rebuilding spandsp's cast from our own
  // blocks must match spandsp everywhere, and G722Decoder must differ only at those overshoots.
  it.each(['fullscale', 'randombytes', 'edgebytes', 'runbytes'] as const)(
    'decodes %s bit-exactly up to the int16 limiting of overshoots (spandsp wraps them)',
    (name) => {
      const bytes = readG722Fixture(`${name}.g722`);
      const reference = readPcmFixture(`${name}.decoded.pcm`);
      const low = new LowBandAdpcm();
      const high = new HighBandAdpcm();
      const synthesis = new QmfSynthesis();
      const unlimited = new Float64Array(bytes.length * 2);
      for (let i = 0; i < bytes.length; i++) {
        synthesis.push(low.decode(bytes[i]! & 0x3f), high.decode(bytes[i]! >> 6));
        unlimited[2 * i] = synthesis.earlier;
        unlimited[2 * i + 1] = synthesis.later;
      }
      expect(mismatches(Int16Array.from(unlimited, (v) => (v << 16) >> 16), reference)).toEqual([]);

      const decoded = decodeAll(bytes);
      const overshoots = mismatches(
        unlimited,
        Float64Array.from(unlimited, (v) => Math.min(32767, Math.max(-32768, v))),
      );
      expect(overshoots.length).toBeGreaterThan(0);
      expect(mismatches(decoded, reference)).toEqual(overshoots);
      for (const i of overshoots) expect(decoded[i]).toBe(unlimited[i]! > 0 ? 32767 : -32768);
    },
  );

  it.each(SIGNALS)('encodes %s frame by frame exactly as in one call', (name) => {
    const pcm = readPcmFixture(`${name}.pcm`);
    const encoder = new G722Encoder();
    const frame = new Uint8Array(FRAME_SAMPLES / 2);
    const joined = new Uint8Array(pcm.length / 2);
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const bytes = encoder.encode(pcm, at, FRAME_SAMPLES, frame);
      joined.set(frame.subarray(0, bytes), at / 2);
    }
    expect(mismatches(joined, readG722Fixture(`${name}.g722`))).toEqual([]);
  });

  it.each(STREAMS)('decodes %s frame by frame exactly as in one call', (name) => {
    const bytes = readG722Fixture(`${name}.g722`);
    const decoder = new G722Decoder();
    const frame = new Int16Array(FRAME_SAMPLES);
    const joined = new Int16Array(bytes.length * 2);
    for (let at = 0; at < bytes.length; at += FRAME_SAMPLES / 2) {
      const payload = bytes.subarray(at, at + FRAME_SAMPLES / 2);
      const samples = decoder.decode(payload, payload.length, frame);
      joined.set(frame.subarray(0, samples), at * 2);
    }
    expect(mismatches(joined, decodeAll(bytes))).toEqual([]);
  });
});

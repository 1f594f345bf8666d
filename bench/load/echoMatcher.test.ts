import { describe, expect, it } from 'vitest';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';
import { EchoFrameIndex, EchoTracker, MULAW_CANONICAL, PCMU_FRAME_BYTES } from './echoMatcher.js';

/** A 160-byte frame whose bytes derive from `seed` (distinct seeds give distinct frames). */
function frame(seed: number): Uint8Array {
  const bytes = new Uint8Array(PCMU_FRAME_BYTES);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed * 31 + i * 7 + ((seed >> 3) ^ i)) & 0xff;
  bytes[0] = seed & 0xff;
  bytes[1] = (seed >> 8) & 0xff;
  return bytes;
}

/** What the engine's PCMU decoder then encoder make of `bytes`. */
function throughEngine(bytes: Uint8Array): Uint8Array {
  const pcm = new Int16Array(bytes.length);
  mulawDecodeInto(bytes, bytes.length, pcm);
  const out = new Uint8Array(bytes.length);
  mulawEncodeInto(pcm, 0, pcm.length, out);
  return out;
}

describe('MULAW_CANONICAL', () => {
  it('is what a µ-law code becomes after the engine decodes and re-encodes it, for all 256 codes', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(throughEngine(codes))).toEqual(Array.from(MULAW_CANONICAL));
  });
});

describe('EchoFrameIndex', () => {
  it('finds a frame after it went through the engine’s µ-law round trip (0x7f becomes 0xff)', () => {
    const frames = [frame(1), frame(2), frame(3)];
    frames[1]![10] = 0x7f;
    const index = new EchoFrameIndex(frames);
    const echoed = throughEngine(frames[1]!);
    expect(echoed[10]).toBe(0xff);
    const message = new Uint8Array(3 * PCMU_FRAME_BYTES);
    message.set(throughEngine(frames[0]!), 0);
    message.set(echoed, PCMU_FRAME_BYTES);
    message.set(frame(99), 2 * PCMU_FRAME_BYTES);
    expect(index.lookup(message, 0)).toBe(0);
    expect(index.lookup(message, PCMU_FRAME_BYTES)).toBe(1);
    expect(index.lookup(message, 2 * PCMU_FRAME_BYTES)).toBe(-1);
  });

  it('marks frames whose content repeats as untraceable', () => {
    const index = new EchoFrameIndex([frame(1), frame(2), frame(1)]);
    expect(Array.from(index.untraceable)).toEqual([1, 0, 1]);
    expect(index.lookup(frame(1), 0)).toBe(-1);
    expect(index.lookup(frame(2), 0)).toBe(1);
  });
});

describe('EchoTracker', () => {
  const frames = Array.from({ length: 10 }, (_, i) => frame(i + 1));
  const index = new EchoFrameIndex(frames);

  it('measures the round trip beyond the bot’s delay, from the first send of a frame', () => {
    const tracker = new EchoTracker(index, 200);
    tracker.onSent(3, 1000);
    tracker.onSent(3, 1005); // a duplicate delivery keeps the first time
    expect(tracker.onEchoed(frames[3]!, 0, 1230)).toBeCloseTo(30, 10);
    expect(Number.isNaN(tracker.onEchoed(frames[3]!, 0, 1250))).toBe(true); // echoed twice
    expect(Number.isNaN(tracker.onEchoed(frames[4]!, 0, 1250))).toBe(true); // never sent
    const totals = tracker.totals(5000, 1000);
    expect(totals).toEqual({ eligible: 1, returned: 1, lost: 0, unmatched: 1, repeated: 1 });
  });

  it('counts frames never echoed as lost, except those sent within the grace period before the end', () => {
    const tracker = new EchoTracker(index, 200);
    for (let f = 0; f < 10; f++) tracker.onSent(f, f * 20);
    for (let f = 0; f < 10; f += 2) tracker.onEchoed(frames[f]!, 0, f * 20 + 220);
    // Ends at 1170 with 1000 ms of grace: frames sent after 170 ms (9) are not due yet.
    const totals = tracker.totals(1170, 1000);
    expect(totals.eligible).toBe(9);
    expect(totals.returned).toBe(5);
    expect(totals.lost).toBe(4);
  });

  it('tells loops of a looped fixture apart and counts a frame lost in an earlier loop', () => {
    const tracker = new EchoTracker(index, 200);
    tracker.onSent(2, 0); // loop 1, never echoed
    tracker.onSent(12, 200); // the same content, loop 2
    expect(tracker.onEchoed(frames[2]!, 0, 420)).toBeCloseTo(20, 10);
    const totals = tracker.totals(10_000, 1000);
    expect(totals).toMatchObject({ eligible: 2, returned: 1, lost: 1 });
  });
});

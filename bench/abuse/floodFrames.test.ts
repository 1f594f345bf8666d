import { describe, expect, it } from 'vitest';
import { DistinctFrames, attackCall, errorFrameText, paddedMediaFrameText, unknownFrameText } from './floodFrames.js';

describe('flood frames', () => {
  it('builds an error frame whose detail has the asked size', () => {
    const frame = JSON.parse(errorFrameText(60 * 1024)) as { event: string; payload: { code: number; detail: string } };
    expect(frame.event).toBe('error');
    expect(frame.payload.code).toBe(100002);
    expect(frame.payload.detail).toHaveLength(60 * 1024);
  });

  it('pads a valid media frame to exactly the asked size', () => {
    for (const size of [1024, 60 * 1024, 64 * 1024]) {
      const text = paddedMediaFrameText(attackCall(0), size);
      expect(Buffer.byteLength(text)).toBe(size);
      const frame = JSON.parse(text) as { event: string; media: { payload: string; track: string } };
      expect(frame.event).toBe('media');
      expect(Buffer.from(frame.media.payload, 'base64')).toHaveLength(160);
    }
    expect(() => paddedMediaFrameText(attackCall(0), 100)).toThrow(RangeError);
  });

  it('hands out frames with distinct counters, each copy reused only a ring later', () => {
    const frames = new DistinctFrames((counter) => unknownFrameText(1000, counter), 3, 7);
    const seen = new Set<string>();
    const buffers: Buffer[] = [];
    for (let i = 0; i < 9; i++) {
      const frame = frames.next();
      buffers.push(frame);
      const name = (JSON.parse(frame.toString('utf8')) as { event: string }).event;
      expect(name).toHaveLength(1000);
      seen.add(name);
    }
    expect(seen.size).toBe(9);
    expect(frames.frameBytes).toBe(1000 + '{"event":""}'.length);
    expect(buffers[3]).toBe(buffers[0]);
    expect(buffers[1]).not.toBe(buffers[0]);
  });

  it('gives two instances disjoint counters when started a range apart', () => {
    const a = new DistinctFrames((counter) => unknownFrameText(20, counter), 3, 0);
    const b = new DistinctFrames((counter) => unknownFrameText(20, counter), 3, 1e12);
    expect(a.next().toString()).not.toBe(b.next().toString());
  });
});

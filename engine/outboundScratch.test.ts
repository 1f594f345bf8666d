import { describe, expect, it } from 'vitest';
import { outboundScratch } from './outboundScratch.js';

describe('outboundScratch', () => {
  it('hands every stream the same buffers while they are large enough', () => {
    const first = outboundScratch(160, 160, 320, 960);
    const second = outboundScratch(160, 160, 320, 960);
    expect(second).toBe(first);
    expect(Buffer.isBuffer(first.messageBytes)).toBe(true);
  });

  it('grows once for a larger stream, keeping every size at least what any stream asked for', () => {
    const small = outboundScratch(160, 160, 320, 960);
    const wide = outboundScratch(960, 160, 1920, 1920);
    expect(wide).not.toBe(small);
    expect([wide.botFrame.length, wide.codecFrame.length, wide.frameBytes.length, wide.messageBytes.length]).toEqual([960, Math.max(160, small.codecFrame.length), 1920, Math.max(1920, small.messageBytes.length)]);
    // A smaller stream opened later shares the grown set.
    expect(outboundScratch(160, 160, 320, 960)).toBe(wide);
  });
});

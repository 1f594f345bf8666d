import { describe, expect, it } from 'vitest';
import { RecordingBlockPool } from './recordingBlockPool.js';

describe('RecordingBlockPool', () => {
  it('hands out zeroed blocks, zeroing a returned block before reusing it', () => {
    const pool = new RecordingBlockPool(16);
    const block = pool.take();
    expect(block.length).toBe(8);
    block.fill(7);
    pool.give(block);
    const again = pool.take();
    expect(again).toBe(block);
    expect([...again]).toEqual(new Array(8).fill(0));
    expect(pool.allocated).toBe(1);
  });

  it('keeps at most maxRetained free blocks', () => {
    const pool = new RecordingBlockPool(16, 2);
    const blocks = [pool.take(), pool.take(), pool.take()];
    for (const block of blocks) pool.give(block);
    expect(pool.free).toBe(2);
    expect(pool.allocated).toBe(3);
  });

  it('rejects a block size that is not a positive even number of bytes', () => {
    expect(() => new RecordingBlockPool(15)).toThrow(RangeError);
    expect(() => new RecordingBlockPool(0)).toThrow(RangeError);
  });
});

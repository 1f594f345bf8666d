import { describe, expect, it } from 'vitest';
import { SyncBuffer } from './syncBuffer.js';

describe('SyncBuffer', () => {
  it('plays appended frames in order, carrying a partial frame over to the next take', () => {
    const buffer = new SyncBuffer(12, 4);
    buffer.append(Int16Array.of(1, 2, 3, 4), 4);
    buffer.append(Int16Array.of(5, 6, 7, 8, 9, 10), 2);
    expect(buffer.length).toBe(6);
    const out = new Int16Array(4);
    buffer.take(out, 4);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(buffer.length).toBe(2);
    buffer.append(Int16Array.of(7, 8, 9, 10), 4);
    buffer.take(out, 4);
    expect([...out]).toEqual([5, 6, 7, 8]);
    expect([...buffer.samples.subarray(0, buffer.length)]).toEqual([9, 10]);
  });

  it('pads with zeros when it runs short, and refuses to overflow', () => {
    const buffer = new SyncBuffer(6, 4);
    buffer.append(Int16Array.of(3, 3), 2);
    const out = Int16Array.of(9, 9, 9, 9);
    buffer.take(out, 4);
    expect([...out]).toEqual([3, 3, 0, 0]);
    expect(buffer.length).toBe(0);
    buffer.append(Int16Array.of(1, 1, 1, 1), 4);
    expect(() => buffer.append(Int16Array.of(1, 1, 1), 3)).toThrow(RangeError);
  });
});

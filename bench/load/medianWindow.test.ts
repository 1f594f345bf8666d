import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MedianWindow } from './medianWindow.js';

describe('MedianWindow', () => {
  it('gives the upper median of the last values pushed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }), (capacity, values) => {
        const window = new MedianWindow(capacity);
        values.forEach((value, index) => {
          window.push(value);
          const recent = values.slice(Math.max(0, index + 1 - capacity), index + 1).sort((a, b) => a - b);
          expect(window.size).toBe(recent.length);
          expect(window.median()).toBe(recent[recent.length >> 1]);
        });
      }),
    );
  });

  it('is empty after clear', () => {
    const window = new MedianWindow(4);
    window.push(3);
    window.clear();
    expect(Number.isNaN(window.median())).toBe(true);
    window.push(7);
    expect(window.median()).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { parseDuration, slope } from './soakCommand.js';

describe('soak helpers', () => {
  it('parses durations in seconds, minutes and hours', () => {
    expect([parseDuration('600'), parseDuration('90s'), parseDuration('10m'), parseDuration('1h')]).toEqual([600, 90, 600, 3600]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('fits the least-squares slope of a memory series', () => {
    expect(slope([[0, 10], [1, 12], [2, 14]])).toBeCloseTo(2);
    expect(slope([[0, 50], [1, 50], [2, 50]])).toBe(0);
    expect(slope([[0, 1]])).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { distribution, median, quantile, quantileOfSorted } from './quantiles.js';

describe('order statistics', () => {
  it('takes nearest-rank quantiles of values in any order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
    expect(values[0]).toBe(100);
  });

  it('takes them of an ascending array as they are, 0 for none', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantileOfSorted(Float64Array.of(1, 2, 3, 4), 0.75)).toBe(3);
    expect(quantileOfSorted([], 0.95)).toBe(0);
  });

  it('takes the median as the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(median([])).toBeNaN();
  });

  it('sums up a sample, leaving NaN out', () => {
    expect(distribution([4, Number.NaN, 1, 3, 2])).toEqual({ count: 4, mean: 2.5, p50: 2, p95: 4, p99: 4, max: 4 });
    expect(distribution([])).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

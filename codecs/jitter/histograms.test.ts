import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelayHistogram } from './delayHistogram.js';
import { ForgettingHistogram } from './forgettingHistogram.js';
import { SlidingMinimum } from './slidingMinimum.js';

describe('DelayHistogram', () => {
  it('gives the exact mean and a 1 ms-resolution percentile that never under-reports', () => {
    const histogram = new DelayHistogram(100);
    for (let i = 0; i < 100; i++) histogram.add(i + 0.5); // 0.5 … 99.5
    expect(histogram.count).toBe(100);
    expect(histogram.meanMs).toBeCloseTo(50, 10);
    expect(histogram.quantileMs(0.95)).toBe(95);
    expect(histogram.quantileMs(0.5)).toBe(50);
  });

  it('clamps negative values to 0 and large ones into the last bucket', () => {
    const histogram = new DelayHistogram(10);
    histogram.add(-3);
    histogram.add(5000);
    expect(histogram.quantileMs(0.5)).toBe(1);
    expect(histogram.quantileMs(1)).toBe(10);
    histogram.clear();
    expect(histogram.quantileMs(0.95)).toBe(0);
    expect(histogram.meanMs).toBe(0);
  });

  it('grows its buckets as larger values come and answers as if they had all been there', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 3000, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
        const histogram = new DelayHistogram(1000);
        for (const value of values) histogram.add(value);
        // Reference: the q quantile of the values, clamped to [0, 1000]. The histogram answers with
        // the upper edge of its bucket: above it by under 1 ms below 128 ms, by under 4 ms above.
        const sorted = values.map((value) => Math.min(1000, Math.max(0, value))).sort((a, b) => a - b);
        const exact = sorted[Math.ceil(q * values.length) - 1]!;
        const answer = histogram.quantileMs(q);
        if (exact >= 1000) {
          expect(answer).toBe(1000);
        } else {
          expect(answer).toBeGreaterThan(exact);
          expect(answer - exact).toBeLessThanOrEqual(exact < 128 ? 1 : 4);
        }
        expect(histogram.count).toBe(values.length);
      }),
    );
  });

  it('answers above 128 ms to its 4 ms bucket and at the top with maxMs', () => {
    const histogram = new DelayHistogram(1000);
    for (let i = 0; i < 20; i++) histogram.add(130.5);
    expect(histogram.quantileMs(0.5)).toBe(132);
    histogram.add(999.9);
    expect(histogram.quantileMs(1)).toBe(1000);
  });
});

describe('ForgettingHistogram', () => {
  it('reports the lower edge of the quantile bucket, zero for a jitter-free stream', () => {
    const histogram = new ForgettingHistogram(10, 2, 0.983);
    for (let i = 0; i < 50; i++) histogram.add(0);
    expect(histogram.quantileValue()).toBe(0);
    histogram.add(7);
    expect(histogram.quantileValue()).toBe(0);
  });

  it('forgets: a spike dominates at first and fades below the quantile as new samples come', () => {
    const histogram = new ForgettingHistogram(100, 2, 0.9);
    histogram.add(100);
    expect(histogram.quantileValue()).toBe(100);
    let samples = 0;
    while (histogram.quantileValue() !== 0) {
      histogram.add(0);
      samples++;
    }
    // The spike keeps weight 0.9^n of a total approaching 10: under 5 % after about 12 samples.
    expect(samples).toBeGreaterThan(5);
    expect(samples).toBeLessThan(30);
  });

  it('with a prior, counts samples not yet seen as jitter-free: one outlier early stays out of the quantile, a recurring one does not', () => {
    const withPrior = new ForgettingHistogram(100, 2, 0.983, 0.95, 20);
    const without = new ForgettingHistogram(100, 2, 0.983, 0.95);
    expect(withPrior.isEmpty()).toBe(true);
    expect(withPrior.quantileValue()).toBe(0);
    for (const histogram of [withPrior, without]) {
      for (let i = 0; i < 4; i++) histogram.add(2);
      histogram.add(30);
    }
    expect(withPrior.isEmpty()).toBe(false);
    expect(without.quantileValue()).toBe(30);
    expect(withPrior.quantileValue()).toBe(2);
    withPrior.add(30);
    expect(withPrior.quantileValue()).toBe(30);
    withPrior.clear();
    expect(withPrior.isEmpty()).toBe(true);
    withPrior.add(30);
    expect(withPrior.quantileValue()).toBe(0);
  });

  it('rejects a bad shape', () => {
    expect(() => new ForgettingHistogram(4, 2, 0.9, 0.95, -1)).toThrow(RangeError);
    expect(() => new ForgettingHistogram(0, 2, 0.9)).toThrow(RangeError);
    expect(() => new ForgettingHistogram(4, 2, 1.5)).toThrow(RangeError);
  });
});

describe('SlidingMinimum', () => {
  it('tracks the minimum of the last window and lets old minima expire bucket by bucket', () => {
    const minimum = new SlidingMinimum(1000, 4); // 250 ms buckets
    expect(minimum.minimum).toBeNaN();
    minimum.add(5, 0);
    minimum.add(9, 100);
    expect(minimum.minimum).toBe(5);
    minimum.add(7, 600);
    expect(minimum.minimum).toBe(5);
    minimum.add(8, 1000); // the bucket [0, 250) has left the window
    expect(minimum.minimum).toBe(7);
    minimum.add(3, 1010);
    expect(minimum.minimum).toBe(3);
    minimum.clear();
    expect(minimum.minimum).toBeNaN();
  });
});

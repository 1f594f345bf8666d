import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearHistogram } from './histogram.js';

describe('LinearHistogram', () => {
  it('gives percentiles to within half a bucket and the exact max', () => {
    const histogram = new LinearHistogram(0.1, 100);
    for (let i = 1; i <= 1000; i++) histogram.record(i / 100); // 0.01 … 10 ms
    const summary = histogram.summary();
    expect(summary.count).toBe(1000);
    expect(summary.p50).toBeCloseTo(5, 0);
    expect(Math.abs(summary.p99 - 9.9)).toBeLessThanOrEqual(0.1);
    expect(summary.max).toBe(10);
    expect(summary.mean).toBeCloseTo(5.005, 3);
  });

  it('counts values outside its range and clamps them into the end buckets', () => {
    const histogram = new LinearHistogram(1, 10);
    histogram.record(-3);
    histogram.record(50);
    const summary = histogram.summary();
    expect(summary.belowRange).toBe(1);
    expect(summary.aboveRange).toBe(1);
    expect(summary.max).toBe(50);
    expect(histogram.percentile(100)).toBe(9.5);
  });

  it('regroups buckets into bins that hold every value, the last one taking the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { maxLength: 200 }), (values) => {
        const histogram = new LinearHistogram(0.05, 100);
        for (const value of values) histogram.record(value);
        const bins = histogram.bins(0.5, 60);
        expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        expect(bins.widthMs).toBeCloseTo(0.5, 10);
        const above = values.filter((value) => value >= 29.5).length;
        expect(bins.counts[59]).toBe(above);
      }),
    );
  });

  it('forgets everything on reset', () => {
    const histogram = new LinearHistogram(1, 10);
    histogram.record(4);
    histogram.reset();
    expect(histogram.summary()).toMatchObject({ count: 0, p50: 0, max: 0 });
  });
});

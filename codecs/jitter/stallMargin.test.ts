import { describe, expect, it } from 'vitest';
import { StallMargin } from './stallMargin.js';

const OPTIONS = { maxMarginMs: 480, bucketMs: 2, thresholdMs: 60, memoryMs: 60_000, budget: 0.002 };

/** Runs `seconds` of 20 ms arrivals; `peakAt(s)` is the height of a peak in second s, or 0. */
function run(model: StallMargin, fromS: number, seconds: number, peakAt: (second: number) => number): number[] {
  const margins: number[] = [];
  for (let second = fromS; second < fromS + seconds; second++) {
    const height = peakAt(second);
    for (let frame = 0; frame < 50; frame++) {
      // A stall's burst: the first frame carries the whole stall, each next one a frame less.
      model.observe(height > 0 && frame * 20 < height ? height - frame * 20 : 3);
      model.advance(second * 1000 + frame * 20);
    }
    margins.push(model.marginMs);
  }
  return margins;
}

describe('StallMargin', () => {
  it('holds no margin without peaks', () => {
    const model = new StallMargin(OPTIONS);
    expect(Math.max(...run(model, 0, 300, () => 0))).toBe(0);
  });

  it('holds no margin for a single peak, however high', () => {
    const model = new StallMargin(OPTIONS);
    expect(Math.max(...run(model, 0, 120, (s) => (s === 10 ? 1000 : 0)))).toBe(0);
  });

  it('covers a peak that recurs, just below its height once the rate is known', () => {
    const model = new StallMargin(OPTIONS);
    const margins = run(model, 0, 120, (s) => (s % 5 === 2 ? 300 : 0));
    expect(margins[1]).toBe(0);
    expect(margins[8]).toBeGreaterThan(0); // the second peak is the first recurrence
    expect(margins.at(-1)).toBeGreaterThanOrEqual(270);
    expect(margins.at(-1)).toBeLessThanOrEqual(300);
  });

  it('stops at its largest margin when the peaks are higher', () => {
    const model = new StallMargin({ ...OPTIONS, maxMarginMs: 180 });
    expect(run(model, 0, 60, (s) => (s % 5 === 2 ? 400 : 0)).at(-1)).toBe(180);
  });

  it('buys nothing against peaks rare and short enough to conceal within the budget', () => {
    const model = new StallMargin(OPTIONS);
    expect(Math.max(...run(model, 0, 600, (s) => (s % 50 === 7 ? 150 : 0)))).toBe(0);
  });

  it('releases the margin once the peaks stop, gradually and within a bounded time', () => {
    const model = new StallMargin(OPTIONS);
    run(model, 0, 60, (s) => (s % 5 === 2 ? 300 : 0));
    const after = run(model, 60, 300, () => 0);
    for (let i = 1; i < after.length; i++) expect(after[i]!).toBeLessThanOrEqual(after[i - 1]!);
    expect(after[0]).toBeGreaterThan(250);
    expect(after.findIndex((margin) => margin === 0)).toBeLessThan(180);
  });

  it('never reports more than its largest margin, even off the bucket grid', () => {
    const model = new StallMargin({ ...OPTIONS, maxMarginMs: 181 });
    expect(run(model, 0, 60, (s) => (s % 5 === 2 ? 400 : 0)).at(-1)).toBe(181);
  });

  it('rejects a budget outside (0, 1) and a memory too long to fade', () => {
    expect(() => new StallMargin({ ...OPTIONS, budget: 0 })).toThrow(RangeError);
    expect(() => new StallMargin({ ...OPTIONS, budget: 1 })).toThrow(RangeError);
    expect(() => new StallMargin({ ...OPTIONS, memoryMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

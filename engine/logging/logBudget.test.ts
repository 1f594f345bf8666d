import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { LogBudget, OVERFLOW_KEY, SUPPRESSED } from './logBudget.js';

describe('LogBudget', () => {
  it('lets the burst through, then one line per interval, each saying how many were held back', () => {
    const clock = new ManualClock(0);
    const budget = new LogBudget(clock, { linesPerSecond: 0.1, burst: 1 });
    expect(budget.take('CW_INVALID_FRAME')).toBe(0);
    for (let i = 0; i < 500; i++) expect(budget.take('CW_INVALID_FRAME')).toBe(SUPPRESSED);
    clock.advance(9_999);
    expect(budget.take('CW_INVALID_FRAME')).toBe(SUPPRESSED);
    clock.advance(1);
    expect(budget.take('CW_INVALID_FRAME')).toBe(501);
    expect(budget.take('CW_INVALID_FRAME')).toBe(SUPPRESSED);
  });

  it('keeps each key apart', () => {
    const budget = new LogBudget(new ManualClock(0), { linesPerSecond: 0, burst: 2 });
    expect([budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([0, 0, SUPPRESSED]);
    expect(budget.take('b')).toBe(0);
  });

  it('never tracks more than a fixed number of keys, whatever the callers pass', () => {
    const budget = new LogBudget(new ManualClock(0), { linesPerSecond: 0, burst: 1 });
    let written = 0;
    for (let i = 0; i < 10_000; i++) if (budget.take(`name-${i}`) !== SUPPRESSED) written++;
    expect(written).toBeLessThanOrEqual(65);
    const counts = budget.takeSuppressedCounts();
    expect(Object.keys(counts)).toEqual([OVERFLOW_KEY]);
    expect(counts[OVERFLOW_KEY]).toBe(10_000 - written);
  });

  it('reports and resets the counts of held-back lines', () => {
    const budget = new LogBudget(new ManualClock(0), { linesPerSecond: 0, burst: 1 });
    budget.take('a');
    budget.take('a');
    budget.noteSuppressed('b');
    expect(budget.takeSuppressedCounts()).toEqual({ a: 1, b: 1 });
    expect(budget.takeSuppressedCounts()).toEqual({});
  });

  it('refuses options that would let nothing through', () => {
    expect(() => new LogBudget(new ManualClock(0), { linesPerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIND_MAX, FIND_MAX_START, nextStep, recordStep, type FindMaxState } from './findMax.js';

/** Runs the search against an engine that holds exactly `capacity` calls; returns the final state and the counts tried. */
function search(capacity: number, start: number, maxCalls: number): { state: FindMaxState; tried: number[] } {
  const settings = { ...DEFAULT_FIND_MAX, maxCalls };
  let state = FIND_MAX_START;
  const tried: number[] = [];
  for (let calls: number | null = Math.min(start, maxCalls); calls !== null; calls = nextStep(state, settings)) {
    tried.push(calls);
    state = recordStep(state, calls, calls <= capacity);
    if (tried.length > 100) throw new Error('no convergence');
  }
  return { state, tried };
}

describe('find-max search', () => {
  it('doubles, then bisects between what held and what failed', () => {
    const { state, tried } = search(730, 100, 2000);
    expect(tried.slice(0, 5)).toEqual([100, 200, 400, 800, 600]);
    expect(state.held).toBeLessThanOrEqual(730);
    expect(state.failed).toBeGreaterThan(730);
    expect((state.failed ?? 0) - (state.held ?? 0)).toBeLessThanOrEqual(Math.max(10, Math.ceil((state.held ?? 0) * 0.05)));
  });

  it('stops at max-calls when everything holds, and halves when the first step fails', () => {
    expect(search(10_000, 100, 1000)).toMatchObject({ state: { held: 1000, failed: null }, tried: [100, 200, 400, 800, 1000] });
    expect(search(30, 100, 2000).tried.slice(0, 3)).toEqual([100, 50, 25]);
    expect(search(0, 4, 2000)).toMatchObject({ state: { held: null, failed: 1 }, tried: [4, 2, 1] });
  });

  it('brackets any capacity closely in a few steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 50, max: 3000 }), (capacity, start, maxCalls) => {
        const { state, tried } = search(capacity, start, maxCalls);
        expect(tried.length).toBeLessThanOrEqual(25);
        if (state.held !== null) expect(state.held).toBeLessThanOrEqual(capacity);
        if (state.failed !== null) expect(state.failed).toBeGreaterThan(capacity);
        if (state.failed === null) expect(state.held).toBe(maxCalls);
        if (state.held === null) expect(state.failed).toBe(1);
        if (state.held !== null && state.failed !== null) {
          expect(state.failed - state.held).toBeLessThanOrEqual(Math.max(10, Math.ceil(state.held * 0.05)));
        }
      }),
    );
  });
});

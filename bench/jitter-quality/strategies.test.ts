import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TickGrid } from './arrivalTrace.js';
import { playFixedDelay } from './fixedDelayPlayout.js';
import { playWithoutBuffer } from './noBufferPlayout.js';
import { oracleDelayMs } from './oracleDelay.js';
import { handTrace, steadyTrace } from './testTraces.js';

describe('arrivalTrace', () => {
  it('keeps first arrivals, counts distinct frames and finds the transit floor', () => {
    const trace = handTrace(5, [
      [0, 30],
      [2, 75],
      [1, 76],
      [2, 80],
      [4, 115],
    ]);
    expect(trace.delivered).toBe(4);
    expect(Array.from(trace.firstArrivalMs)).toEqual([30, 76, 75, Number.NaN, 115]);
    expect(trace.transitFloorMs).toBe(30); // frame 0; frames 2 and 4 took 35 ms, frame 1 56 ms
  });
});

describe('TickGrid', () => {
  it('puts a time on a tick onto that tick, and anything after it onto the next', () => {
    const grid = new TickGrid(7);
    expect(grid.atOrAfter(47)).toBe(47);
    expect(grid.atOrAfter(47.0001)).toBe(67);
    expect(grid.atOrAfter(-5)).toBe(7);
    expect(grid.indexAtOrAfter(0.2 + 0.1 + 6.7)).toBe(0);
  });
});

describe('playFixedDelay', () => {
  it('plays every frame the same delay, rounded up to the grid, and conceals the late and the missing', () => {
    // Floor 10 ms; frame 2 is 50 ms late, frame 3 was never sent.
    const trace = handTrace(6, [
      [0, 10],
      [1, 30],
      [2, 100],
      [4, 90],
      [5, 110],
    ].sort((a, b) => a[1]! - b[1]!) as [number, number][]);
    const grid = new TickGrid(5); // ticks at 5, 25, 45, …
    const outcome = playFixedDelay(trace, 30, grid);
    // Frame i due at i×20 + 10 + 30 → tick i×20 + 45: 5 ms of rounding on top of 30.
    expect(Array.from(outcome.addedDelayMs)).toEqual([35, 35, 35, 35]);
    expect(outcome).toMatchObject({ delivered: 5, played: 4, late: 1, windowTicks: 6, concealedTicks: 2 });
    // 50 ms of delay covers frame 2.
    expect(playFixedDelay(trace, 50, grid)).toMatchObject({ played: 5, late: 0, concealedTicks: 1 });
  });

  it('a frame arriving exactly at its tick is on time', () => {
    const trace = steadyTrace(3, 0, (i) => (i === 1 ? 40 : 0));
    expect(playFixedDelay(trace, 40, new TickGrid(0))).toMatchObject({ late: 0, played: 3 });
    // Due at 59, on a grid with a tick at 59: one ms short.
    expect(playFixedDelay(trace, 39, new TickGrid(19))).toMatchObject({ late: 1, played: 2 });
  });
});

describe('oracleDelayMs', () => {
  it('is the (allowed + 1)-th largest lateness', () => {
    const trace = steadyTrace(6, 10, (i) => [0, 5, 40, 0, 25, 0][i]!);
    expect(oracleDelayMs(trace, 0)).toBe(40);
    expect(oracleDelayMs(trace, 1)).toBe(25);
    expect(oracleDelayMs(trace, 2)).toBe(5);
    expect(oracleDelayMs(trace, 3)).toBe(0);
    expect(oracleDelayMs(trace, 99)).toBe(0);
    expect(() => oracleDelayMs(trace, -1)).toThrow(RangeError);
  });

  it('is the smallest delay with at most that many late frames (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.nat(70),
        fc.double({ min: 0, max: 20, noNaN: true, maxExcluded: true }),
        (extra, allowed, phase) => {
          const trace = steadyTrace(extra.length, 3, (i) => extra[i]!);
          const delay = oracleDelayMs(trace, allowed);
          const lateness = extra.map((value, i) => trace.firstArrivalMs[i]! - i * 20 - trace.transitFloorMs);
          expect(lateness.filter((value) => value > delay).length).toBeLessThanOrEqual(allowed);
          if (delay > 0) expect(lateness.filter((value) => value > delay - 1e-6).length).toBeGreaterThan(allowed);
          // Rounded up to any grid, it can only lose fewer.
          expect(playFixedDelay(trace, delay, new TickGrid(phase)).late).toBeLessThanOrEqual(allowed);
        },
      ),
    );
  });
});

describe('playWithoutBuffer', () => {
  it('plays each frame on the first tick after it arrives, drops the reordered, ignores copies', () => {
    // Frame 2 arrives after frame 3 (reordered), frame 1 twice.
    const trace = handTrace(5, [
      [0, 1],
      [1, 21],
      [1, 22],
      [3, 61],
      [2, 62],
      [4, 81],
    ]);
    const outcome = playWithoutBuffer(trace, new TickGrid(0));
    expect(outcome).toMatchObject({ delivered: 5, played: 4, late: 1, windowTicks: 5, concealedTicks: 1 });
    expect(Array.from(outcome.addedDelayMs)).toEqual([19, 19, 19, 19]);
  });

  it('hands a burst over at once: the stall is concealed, its frames played late on one tick', () => {
    // Frames 1–5 held by a stall until 105 ms, then delivered back to back.
    const trace = steadyTrace(6, 0, (i) => (i >= 1 ? 105 - i * 20 + 0.05 * i : 0));
    const outcome = playWithoutBuffer(trace, new TickGrid(10));
    expect(outcome.played).toBe(6);
    expect(outcome.late).toBe(0);
    // Ticks 10, 30, …, 110: audio on 10 (frame 0), 110 (frames 1–5).
    expect(outcome.windowTicks).toBe(6);
    expect(outcome.concealedTicks).toBe(4);
    expect(Math.max(...outcome.addedDelayMs)).toBe(90);
  });
});

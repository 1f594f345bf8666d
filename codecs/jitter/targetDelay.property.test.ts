import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetDelay } from './targetDelay.js';

/** One step of a call: some milliseconds pass, then maybe a packet arrives with some extra delay. */
const step = fc.record({
  elapsedMs: fc.oneof(fc.constant(20), fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 3000, noNaN: true })),
  // Mostly on time or slightly late; sometimes a stall's backlog.
  extraDelayMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 2000, noNaN: true })),
  arrives: fc.boolean(),
  rebase: fc.integer({ min: 0, max: 199 }).map((n) => n === 0),
});

const settings = fc
  .record({
    minTargetMs: fc.integer({ min: 1, max: 120 }),
    spanMs: fc.integer({ min: 0, max: 600 }),
    stallThresholdMs: fc.double({ min: 1, max: 300, noNaN: true }),
    stallMemoryMs: fc.double({ min: 500, max: 300_000, noNaN: true }),
    stallBudget: fc.double({ min: 1e-5, max: 0.9, noNaN: true }),
  })
  .map(({ minTargetMs, spanMs, ...stall }) => ({ minTargetMs, maxTargetMs: minTargetMs + spanMs, initialTargetMs: minTargetMs, ...stall }));

describe('TargetDelay (property)', () => {
  it('keeps the target within [min, max] and never NaN, whatever the arrivals and stall settings', () => {
    fc.assert(
      fc.property(settings, fc.array(step, { minLength: 1, maxLength: 400 }), (options, steps) => {
        const estimator = new TargetDelay(options);
        let nowMs = 0;
        let mediaMs = 0;
        for (const { elapsedMs, extraDelayMs, arrives, rebase } of steps) {
          nowMs += elapsedMs;
          if (rebase) estimator.rebase();
          if (arrives) {
            estimator.observe(nowMs + extraDelayMs, mediaMs);
            mediaMs += 20;
          }
          estimator.advance(nowMs);
          const target = estimator.targetMs;
          expect(Number.isNaN(target)).toBe(false);
          expect(target).toBeGreaterThanOrEqual(options.minTargetMs);
          expect(target).toBeLessThanOrEqual(options.maxTargetMs);
          expect(Number.isFinite(estimator.insertMarginMs)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

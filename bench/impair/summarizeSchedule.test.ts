import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryProfile } from '../../test/support/arbitraryProfile.js';
import { impairSchedule, type Delivery } from './impairSchedule.js';
import { cleanProfile, impairmentProfiles } from './profiles.js';
import { summarizeSchedule } from './summarizeSchedule.js';

function delivery(atMs: number, frameIndex: number, duplicate = false, reordered = false): Delivery {
  return { atMs, frameIndex, duplicate, reordered };
}

describe('summarizeSchedule', () => {
  it('computes every statistic of a small hand-made trace', () => {
    // 10 ms transit; frame 2 written after frame 3; a stall holds frames 4 and 5 until 200 ms;
    // frame 5 arrives twice; frame 6 never arrives.
    const trace = [
      delivery(10, 0),
      delivery(30, 1),
      delivery(70, 3),
      delivery(70.05, 2, false, true),
      delivery(200, 4),
      delivery(200.05, 5),
      delivery(200.1, 5, true),
    ];
    const summary = summarizeSchedule(trace, { fixedDelayMs: 50, frameCount: 7 });
    expect(summary).toMatchObject({
      deliveries: 7,
      framesDelivered: 6,
      missingFrames: 1,
      duplicates: 1,
      reordered: 1,
      longestBurst: 3,
      transitFloorMs: 10,
      maxLatenessMs: 110,
      latenessP95Ms: 110,
      lateFrames: 2,
    });
    expect(summary.maxGapMs).toBeCloseTo(129.95, 9);
    expect(summary.meanLatenessMs).toBeCloseTo((20.05 + 110 + 90.05) / 6, 9);
    expect(summary.lateFraction).toBeCloseTo(2 / 6, 12);
    expect(summarizeSchedule(trace, { fixedDelayMs: 110, frameCount: 7 }).lateFrames).toBe(0);
    expect(summarizeSchedule(trace, { fixedDelayMs: 100, frameCount: 7 }).lateFrames).toBe(1);
  });

  it('reports a clean call as perfectly regular', () => {
    const { deliveries } = impairSchedule(500, cleanProfile, 1);
    expect(summarizeSchedule(deliveries, { fixedDelayMs: 0 })).toEqual({
      deliveries: 500,
      framesDelivered: 500,
      missingFrames: 0,
      duplicates: 0,
      reordered: 0,
      maxGapMs: 20,
      longestBurst: 1,
      transitFloorMs: 0,
      meanLatenessMs: 0,
      latenessP95Ms: 0,
      latenessP99Ms: 0,
      maxLatenessMs: 0,
      lateFrames: 0,
      lateFraction: 0,
    });
  });

  it('summarises an empty trace as zeros', () => {
    expect(summarizeSchedule([], { fixedDelayMs: 60 })).toMatchObject({ deliveries: 0, framesDelivered: 0, missingFrames: 0, maxLatenessMs: 0, lateFraction: 0 });
    expect(summarizeSchedule([], { fixedDelayMs: 60, frameCount: 3 }).missingFrames).toBe(3);
  });

  it('rejects frame indices outside the call', () => {
    expect(() => summarizeSchedule([delivery(0, 5)], { fixedDelayMs: 0, frameCount: 5 })).toThrow(RangeError);
    expect(() => summarizeSchedule([delivery(0, -1)], { fixedDelayMs: 0 })).toThrow(RangeError);
  });

  it('agrees with the schedule flags, and late frames fall as the fixed delay grows, for any profile', () => {
    fc.assert(
      fc.property(arbitraryProfile, fc.maxSafeInteger(), fc.integer({ min: 1, max: 1000 }), (generated, seed, frameCount) => {
        const { deliveries } = impairSchedule(frameCount, generated, seed);
        const summary = summarizeSchedule(deliveries, { fixedDelayMs: 0, frameCount });
        expect(summary.framesDelivered + summary.missingFrames).toBe(frameCount);
        expect(summary.duplicates).toBe(deliveries.filter((d) => d.duplicate).length);
        expect(summary.reordered).toBe(deliveries.filter((d) => d.reordered).length);
        expect(summarizeSchedule(deliveries, { fixedDelayMs: summary.maxLatenessMs, frameCount }).lateFrames).toBe(0);
        const atP95 = summarizeSchedule(deliveries, { fixedDelayMs: summary.latenessP95Ms, frameCount }).lateFrames;
        expect(atP95).toBeLessThanOrEqual(summary.lateFrames);
        expect(atP95).toBeLessThanOrEqual(Math.floor(0.05 * summary.framesDelivered + 1e-9));
      }),
      { numRuns: 100 },
    );
  });

  it('shows what each shipped profile is for', () => {
    const summaries = Object.fromEntries(
      Object.entries(impairmentProfiles).map(([name, profile]) => [name, summarizeSchedule(impairSchedule(30_000, profile, 17).deliveries, { fixedDelayMs: 200, frameCount: 30_000 })]),
    );
    expect(summaries['wifi']?.latenessP95Ms).toBeLessThan(20);
    expect(summaries['wifi']?.missingFrames).toBe(0);
    expect(summaries['stalls']?.maxGapMs).toBeGreaterThan(500);
    expect(summaries['stalls']?.longestBurst).toBeGreaterThan(20);
    expect(summaries['congested-4g']?.latenessP99Ms).toBeGreaterThan(summaries['wifi']?.latenessP99Ms ?? Number.POSITIVE_INFINITY);
    expect(summaries['congested-4g']?.reordered).toBeGreaterThan(0);
    expect(summaries['lossy']?.missingFrames).toBeGreaterThan(0.02 * 30_000);
    expect(summaries['lossy']?.duplicates).toBeGreaterThan(0.01 * 30_000);
    expect(summaries['satellite']?.transitFloorMs).toBeGreaterThanOrEqual(40);
  });
});

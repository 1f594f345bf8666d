import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryProfile } from '../../test/support/arbitraryProfile.js';
import { impairSchedule, type Delivery } from './impairSchedule.js';
import { impairScheduleCompact } from './impairScheduleCompact.js';
import { cleanProfile, impairmentProfiles, type ImpairmentProfile } from './profiles.js';

const THREE_MINUTES = 9000;

function profile(overrides: Partial<ImpairmentProfile>): ImpairmentProfile {
  return { ...cleanProfile, name: 'test', summary: 'test profile', ...overrides };
}

function originals(deliveries: readonly Delivery[]): Delivery[] {
  return deliveries.filter((delivery) => !delivery.duplicate);
}

describe('impairSchedule: determinism', () => {
  it('gives the same schedule for the same seed and a different one for another seed, for every shipped profile', () => {
    for (const shipped of Object.values(impairmentProfiles)) {
      const first = impairSchedule(THREE_MINUTES, shipped, 11);
      expect(impairSchedule(THREE_MINUTES, shipped, 11)).toEqual(first);
      if (shipped.name !== 'clean') expect(impairSchedule(THREE_MINUTES, shipped, 12).deliveries).not.toEqual(first.deliveries);
    }
  });

  it('keeps each effect on its own random stream: loss and reordering do not move when jitter changes', () => {
    const lossy = profile({ loss: { probability: 0.05, meanBurstFrames: 1 }, reorder: { probability: 0.02, maxDepth: 2 } });
    const lossyAndJittery = { ...lossy, jitter: { delay: { kind: 'pareto', minMs: 5, shape: 1.5 }, maxMs: 500 } } satisfies ImpairmentProfile;
    const framesOf = (deliveries: readonly Delivery[]) => originals(deliveries).map((delivery) => `${delivery.frameIndex}:${delivery.reordered}`);
    expect(framesOf(impairSchedule(5000, lossyAndJittery, 3).deliveries)).toEqual(framesOf(impairSchedule(5000, lossy, 3).deliveries));
  });
});

describe('impairSchedule: clean', () => {
  it('is the identity schedule for any seed and length', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 3000 }), (seed, frameCount) => {
        const schedule = impairSchedule(frameCount, cleanProfile, seed);
        expect(schedule.deliveries).toEqual(Array.from({ length: frameCount }, (_, i) => ({ atMs: i * 20, frameIndex: i, duplicate: false, reordered: false })));
        expect(schedule.stalls).toEqual([]);
        expect(schedule.disconnectAtMs).toBeUndefined();
        expect('disconnectAtMs' in schedule).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it('honours another frame spacing', () => {
    expect(impairSchedule(3, cleanProfile, 1, { frameMs: 30 }).deliveries.map((delivery) => delivery.atMs)).toEqual([0, 30, 60]);
  });
});

describe('impairSchedule: TCP delivery', () => {
  it('delivers in strictly increasing time, never before the write was sent, for every shipped profile', () => {
    for (const shipped of Object.values(impairmentProfiles)) {
      const { deliveries } = impairSchedule(THREE_MINUTES, shipped, 5);
      let smallestGap = Number.POSITIVE_INFINITY;
      for (let k = 1; k < deliveries.length; k++) smallestGap = Math.min(smallestGap, (deliveries[k]?.atMs ?? 0) - (deliveries[k - 1]?.atMs ?? 0));
      expect(smallestGap).toBeGreaterThanOrEqual(shipped.burstSpacingMs - 1e-9);
      const early = originals(deliveries).filter((delivery) => delivery.atMs < delivery.frameIndex * 20 + shipped.baseDelayMs);
      expect(early).toEqual([]);
    }
  });

  it('keeps frame order except where the sender reordered (head-of-line: jitter never reorders)', () => {
    for (const shipped of Object.values(impairmentProfiles)) {
      const { deliveries } = impairSchedule(THREE_MINUTES, shipped, 8);
      const unflaggedOutOfOrder: number[] = [];
      let highest = -1;
      for (const delivery of originals(deliveries)) {
        if (delivery.frameIndex < highest && !delivery.reordered) unflaggedOutOfOrder.push(delivery.frameIndex);
        if (delivery.reordered && delivery.frameIndex > highest) unflaggedOutOfOrder.push(-delivery.frameIndex);
        highest = Math.max(highest, delivery.frameIndex);
      }
      expect(unflaggedOutOfOrder).toEqual([]);
      if (shipped.reorder.probability === 0) expect(deliveries.some((delivery) => delivery.reordered)).toBe(false);
    }
  });

  it('holds back everything behind a late frame, so jitter turns into bunched deliveries', () => {
    const jittery = profile({ jitter: { delay: { kind: 'pareto', minMs: 5, shape: 1.2 }, maxMs: 1000 } });
    const { deliveries } = impairSchedule(THREE_MINUTES, jittery, 21);
    expect(deliveries.map((delivery) => delivery.frameIndex)).toEqual(Array.from({ length: THREE_MINUTES }, (_, i) => i));
    // A frame that overtook nothing but was held back lands exactly one burst spacing after its predecessor.
    const heldBack = deliveries.filter((delivery, k) => k > 0 && Math.abs(delivery.atMs - (deliveries[k - 1]?.atMs ?? 0) - jittery.burstSpacingMs) < 1e-9);
    expect(heldBack.length).toBeGreaterThan(50);
  });

  it('moves a reordered frame behind at most maxDepth later frames', () => {
    const reordering = profile({ reorder: { probability: 0.05, maxDepth: 3 } });
    const { deliveries } = impairSchedule(20_000, reordering, 4);
    const reordered = deliveries.filter((delivery) => delivery.reordered);
    expect(reordered.length / 20_000).toBeGreaterThan(0.04);
    expect(reordered.length / 20_000).toBeLessThan(0.06);
    let highest = -1;
    for (const delivery of deliveries) {
      if (delivery.reordered) {
        expect(highest).toBeGreaterThan(delivery.frameIndex);
        expect(highest - delivery.frameIndex).toBeLessThanOrEqual(3);
      }
      highest = Math.max(highest, delivery.frameIndex);
    }
  });
});

describe('impairSchedule: stalls', () => {
  const stalling = profile({ stalls: { perMinute: 6, duration: { kind: 'constant', valueMs: 500 }, maxMs: 2000 } });

  it('shows each stall as a silent gap at least as long as the stall, then a burst of the backlog', () => {
    const { deliveries, stalls } = impairSchedule(90_000, stalling, 2);
    expect(stalls.length).toBeGreaterThan(0);
    for (const stall of stalls) {
      const after = deliveries.findIndex((delivery) => delivery.atMs >= stall.startMs);
      expect(after).toBeGreaterThan(0);
      const resumed = deliveries[after]?.atMs ?? Number.NaN;
      expect(resumed).toBe(stall.startMs + stall.durationMs);
      expect(resumed - (deliveries[after - 1]?.atMs ?? 0)).toBeGreaterThanOrEqual(500);
      const burst = deliveries.slice(after).filter((delivery) => delivery.atMs < resumed + 1);
      expect(burst.length).toBeGreaterThanOrEqual(20);
    }
  });

  it('starts stalls as a Poisson process at about the configured rate', () => {
    const { stalls } = impairSchedule(90_000, stalling, 3); // 30 minutes
    // Starts are Poisson over connected time: mean spacing 10 s + the 0.5 s stall itself.
    const expected = (30 * 60_000) / 10_500;
    expect(stalls.length).toBeGreaterThan(expected * 0.75);
    expect(stalls.length).toBeLessThan(expected * 1.25);
    for (let k = 1; k < stalls.length; k++) {
      const previous = stalls[k - 1];
      expect(stalls[k]?.startMs).toBeGreaterThanOrEqual((previous?.startMs ?? 0) + (previous?.durationMs ?? 0));
    }
  });
});

describe('impairSchedule: sender loss and duplicates', () => {
  const frames = 100_000;

  it('loses and duplicates frames at about the configured rates', () => {
    const damaged = profile({ loss: { probability: 0.03, meanBurstFrames: 1 }, duplicates: { probability: 0.05, maxLagFrames: 0 } });
    const { deliveries } = impairSchedule(frames, damaged, 9);
    const delivered = new Set(deliveries.map((delivery) => delivery.frameIndex));
    expect(Math.abs(1 - delivered.size / frames - 0.03)).toBeLessThan(0.003);
    const duplicates = deliveries.filter((delivery) => delivery.duplicate).length;
    expect(Math.abs(duplicates / delivered.size - 0.05)).toBeLessThan(0.003);
  });

  it('loses frames in bursts of the configured mean length while keeping the long-run rate', () => {
    const bursty = profile({ loss: { probability: 0.05, meanBurstFrames: 4 } });
    const compact = impairScheduleCompact(frames, bursty, 10);
    const lost = new Uint8Array(frames).fill(1);
    for (const index of compact.frameIndex) lost[index] = 0;
    let lostCount = 0;
    let runs = 0;
    for (let i = 0; i < frames; i++) {
      if (lost[i] === 1) {
        lostCount++;
        if (i === 0 || lost[i - 1] === 0) runs++;
      }
    }
    expect(Math.abs(lostCount / frames - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(lostCount / runs - 4)).toBeLessThan(0.5);
  });

  it('writes a duplicate after its original and within maxLagFrames of it', () => {
    const repeating = profile({ duplicates: { probability: 0.1, maxLagFrames: 2 } });
    const { deliveries } = impairSchedule(5000, repeating, 13);
    const position = new Map<number, number>();
    deliveries.forEach((delivery, k) => {
      if (!delivery.duplicate) {
        position.set(delivery.frameIndex, k);
        return;
      }
      const original = position.get(delivery.frameIndex);
      expect(original).toBeDefined();
      const between = deliveries.slice((original ?? 0) + 1, k).filter((other) => !other.duplicate);
      expect(between.length).toBeLessThanOrEqual(2);
    });
  });
});

describe('impairSchedule: abrupt disconnect', () => {
  it('cuts the schedule at a uniform time within the call, at the configured rate', () => {
    const dropping = profile({ disconnect: { probabilityPerCall: 0.25 } });
    let disconnected = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const schedule = impairSchedule(50, dropping, seed);
      if (schedule.disconnectAtMs === undefined) {
        expect(schedule.deliveries).toHaveLength(50);
        continue;
      }
      disconnected++;
      expect(schedule.disconnectAtMs).toBeGreaterThanOrEqual(0);
      expect(schedule.disconnectAtMs).toBeLessThan(1000);
      for (const delivery of schedule.deliveries) expect(delivery.atMs).toBeLessThan(schedule.disconnectAtMs);
      expect(schedule.deliveries).toHaveLength(Math.ceil(schedule.disconnectAtMs / 20));
    }
    expect(Math.abs(disconnected / 2000 - 0.25)).toBeLessThan(0.04);
  });
});

describe('impairSchedule: any profile', () => {
  it('delivers only frames in range, each at most twice (once as a duplicate), at finite, non-negative, increasing times', () => {
    fc.assert(
      fc.property(arbitraryProfile, fc.maxSafeInteger(), fc.integer({ min: 0, max: 1500 }), (generated, seed, frameCount) => {
        const schedule = impairSchedule(frameCount, generated, seed);
        const originalsSeen = new Uint8Array(frameCount);
        const duplicatesSeen = new Uint8Array(frameCount);
        const violations: string[] = [];
        let previous = Number.NEGATIVE_INFINITY;
        for (const { atMs, frameIndex, duplicate } of schedule.deliveries) {
          if (!(Number.isInteger(frameIndex) && frameIndex >= 0 && frameIndex < frameCount)) violations.push(`frame ${frameIndex} out of range`);
          if (!(Number.isFinite(atMs) && atMs >= 0)) violations.push(`time ${atMs} not finite or negative`);
          if (!(atMs > previous)) violations.push(`time ${atMs} not after ${previous}`);
          previous = atMs;
          if (duplicate && originalsSeen[frameIndex] !== 1) violations.push(`duplicate of ${frameIndex} before its original`);
          const seen = duplicate ? duplicatesSeen : originalsSeen;
          seen[frameIndex] = (seen[frameIndex] ?? 0) + 1;
        }
        for (let i = 0; i < frameCount; i++) {
          if ((originalsSeen[i] ?? 0) > 1 || (duplicatesSeen[i] ?? 0) > 1) violations.push(`frame ${i} delivered too often`);
        }
        if (schedule.disconnectAtMs !== undefined && !(previous < schedule.disconnectAtMs)) violations.push('delivery after the disconnect');
        if (schedule.disconnectAtMs === undefined && generated.loss.probability === 0 && !originalsSeen.every((seen) => seen === 1)) {
          violations.push('a frame went missing without loss or disconnect');
        }
        expect(violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic for any profile and seed', () => {
    fc.assert(
      fc.property(arbitraryProfile, fc.maxSafeInteger(), (generated, seed) => {
        expect(impairScheduleCompact(400, generated, seed)).toEqual(impairScheduleCompact(400, generated, seed));
      }),
      { numRuns: 50 },
    );
  });

  it('rejects invalid input instead of producing NaN times', () => {
    expect(() => impairSchedule(-1, cleanProfile, 1)).toThrow(RangeError);
    expect(() => impairSchedule(10, cleanProfile, 0.5)).toThrow(RangeError);
    expect(() => impairSchedule(10, cleanProfile, 1, { frameMs: 0 })).toThrow(RangeError);
    expect(() => impairSchedule(10, profile({ loss: { probability: 1, meanBurstFrames: 1 } }), 1)).toThrow(/loss\.probability/);
    expect(impairSchedule(0, impairmentProfiles['congested-4g'], 1).deliveries).toEqual([]);
  });
});

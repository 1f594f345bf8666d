import { describe, expect, it } from 'vitest';
import { TargetDelay } from './targetDelay.js';

/** Feeds packets every 20 ms with `jitter(i)` ms of extra delay, advancing the estimator per tick. */
function run(estimator: TargetDelay, frames: number, jitter: (i: number) => number, startFrame = 0, periodMs = 20): number[] {
  const targets: number[] = [];
  for (let i = startFrame; i < startFrame + frames; i++) {
    const sent = i * periodMs;
    const arrival = sent + 50 + jitter(i);
    estimator.observe(arrival, i * 20);
    estimator.advance(sent + 20);
    targets.push(estimator.targetMs);
  }
  return targets;
}

describe('TargetDelay', () => {
  it('stays at the minimum on a jitter-free stream', () => {
    const estimator = new TargetDelay();
    const targets = run(estimator, 1000, () => 0);
    expect(Math.max(...targets)).toBe(20);
    expect(estimator.baselineMs).toBe(50);
  });

  it('rises at once on one late packet, then falls slowly: at most a third of the gap (or 1 ms) per step', () => {
    const estimator = new TargetDelay();
    run(estimator, 1500, () => 0); // 30 s of history
    const targets = run(estimator, 1500, (i) => (i === 1500 ? 150 : 0), 1500);
    expect(targets[0]).toBe(170);
    expect(targets[49]).toBe(170); // a second later: not moved yet
    for (let i = 1; i < targets.length; i++) {
      const step = targets[i - 1]! - targets[i]!;
      expect(step).toBeGreaterThanOrEqual(0);
      expect(step).toBeLessThanOrEqual(Math.max(1, (targets[i - 1]! - 20) / 3) + 1e-9);
    }
    const belowHalf = targets.findIndex((t) => t < 95);
    expect(belowHalf * 20).toBeGreaterThan(2000); // over seconds
    expect(targets.at(-1)).toBeLessThan(25);
  });

  it('settles on the 95th percentile of recurring jitter, plus one frame', () => {
    const estimator = new TargetDelay();
    // Every 10th packet 40 ms late: each 500 ms interval sees a 40 ms maximum.
    const targets = run(estimator, 3000, (i) => (i % 10 === 0 ? 40 : 0));
    expect(targets.at(-1)).toBe(60);
  });

  it('never leaves its bounds', () => {
    const estimator = new TargetDelay({ minTargetMs: 40, maxTargetMs: 120 });
    const targets = run(estimator, 2000, (i) => ((i * 7919) % 13) * 60);
    expect(Math.min(...targets)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...targets)).toBe(120);
  });

  it('measures a slower sender as a positive baseline slope and turns it into insert headroom', () => {
    const slow = new TargetDelay();
    run(slow, 1500, () => 0, 0, 20.1); // the sender's frames come 0.5 % apart too far
    expect(slow.driftMsPerSecond).toBeGreaterThan(3);
    expect(slow.driftMsPerSecond).toBeLessThan(7);
    expect(slow.insertMarginMs).toBeGreaterThan(6);
    expect(slow.insertMarginMs).toBeLessThanOrEqual(10);

    const fast = new TargetDelay();
    run(fast, 1500, () => 0, 0, 19.9);
    expect(fast.driftMsPerSecond).toBeLessThan(-3);
    expect(fast.insertMarginMs).toBe(0);
  });

  it('forgets the baseline on rebase but keeps the target', () => {
    const estimator = new TargetDelay();
    run(estimator, 10, (i) => (i === 5 ? 60 : 0));
    const target = estimator.targetMs;
    estimator.rebase();
    expect(estimator.baselineMs).toBeNaN();
    expect(estimator.targetMs).toBe(target);
  });

  it('rejects inverted bounds', () => {
    expect(() => new TargetDelay({ minTargetMs: 100, maxTargetMs: 50 })).toThrow(RangeError);
  });
});

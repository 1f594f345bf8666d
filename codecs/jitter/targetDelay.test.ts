import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGET_DELAY, TargetDelay } from './targetDelay.js';

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

  it('rises at once on one late packet, then falls back within about a second: at most half the gap (or 1 ms) per 250 ms step', () => {
    const estimator = new TargetDelay();
    run(estimator, 1500, () => 0); // 30 s of history
    const targets = run(estimator, 1500, (i) => (i === 1500 ? 150 : 0), 1500);
    expect(targets[0]).toBe(170);
    expect(targets[11]).toBe(170); // 240 ms later: not moved yet
    for (let i = 1; i < targets.length; i++) {
      const step = targets[i - 1]! - targets[i]!;
      expect(step).toBeGreaterThanOrEqual(0);
      expect(step).toBeLessThanOrEqual(Math.max(1, (targets[i - 1]! - 20) / 2) + 1e-9);
    }
    // A peak that does not recur is not jitter to plan for: back near the floor in under 2 s.
    const belowHalf = targets.findIndex((t) => t < 95);
    expect(belowHalf * 20).toBeGreaterThanOrEqual(250);
    expect(targets.findIndex((t) => t < 25) * 20).toBeLessThan(2000);
    expect(targets.at(-1)).toBeLessThan(25);
  });

  it('settles on the 95th percentile of recurring jitter, plus one frame', () => {
    const estimator = new TargetDelay();
    // Every 10th packet 40 ms late: each 500 ms interval sees a 40 ms maximum.
    const targets = run(estimator, 3000, (i) => (i % 10 === 0 ? 40 : 0));
    expect(targets.at(-1)).toBe(60);
    expect(estimator.usualJitterMs).toBe(40);
  });

  it('reports the usual jitter without the delay peaks, which the stall margin judges instead', () => {
    const estimator = new TargetDelay();
    run(estimator, 3000, (i) => (i % 10 === 0 ? 10 : 0) + (i % 500 === 250 ? 300 : 0));
    expect(estimator.usualJitterMs).toBe(10);
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

/**
 * Plays a TCP path for `seconds`: frame i is sent at i × 20 ms and arrives 50 ms later unless a
 * stall holds it; a stall of `stallMs` starting at each time in `stallStartsMs` delivers its backlog
 * at once when it ends (head-of-line blocking). Ticks every 20 ms deliver what has arrived, then
 * advance the estimator. Returns the target at every tick.
 */
function runStalls(estimator: TargetDelay, seconds: number, stallStartsMs: readonly number[], stallMs: number): number[] {
  const arrivalOf = (i: number): number => {
    const sent = i * 20;
    for (const start of stallStartsMs) if (sent + 50 >= start && sent + 50 < start + stallMs) return start + stallMs;
    return sent + 50;
  };
  const targets: number[] = [];
  let next = 0;
  for (let tick = 0; tick < seconds * 50; tick++) {
    const now = tick * 20;
    while (arrivalOf(next) <= now) {
      estimator.observe(arrivalOf(next), next * 20);
      next++;
    }
    estimator.advance(now);
    targets.push(estimator.targetMs);
  }
  return targets;
}

/** The target one tick before each stall starts. */
function targetsAtOnsets(targets: readonly number[], stallStartsMs: readonly number[]): number[] {
  return stallStartsMs.map((start) => targets[start / 20 - 1]!);
}

describe('TargetDelay against TCP stalls', () => {
  // Further apart than one in twenty 500 ms intervals, so the 95th percentile alone forgets them.
  const every12s = Array.from({ length: 12 }, (_, k) => 5000 + k * 12_000);

  it('holds a margin that covers recurring stalls, where the jitter quantile alone had forgotten them', () => {
    const learning = targetsAtOnsets(runStalls(new TargetDelay({ maxTargetMs: 500 }), 150, every12s, 300), every12s);
    expect(learning[0]).toBe(20); // nothing to know before the first one
    // The stalls' peak is 290 ms of jitter and a frame is on time while its jitter ≤ target − one
    // frame: once the rate is known, at most three of the stall's fifteen frames are left to conceal.
    for (const target of learning.slice(3)) expect(target).toBeGreaterThanOrEqual(250);
    expect(learning.at(-1)).toBeLessThanOrEqual(310);
    // A budget that never makes a margin worth it leaves only the quantile, low at every onset.
    const quantileOnly = targetsAtOnsets(runStalls(new TargetDelay({ maxTargetMs: 500, stallBudget: 0.99 }), 150, every12s, 300), every12s);
    for (const target of quantileOnly.slice(2)) expect(target).toBeLessThan(40);
  });

  it('holds the cap when recurring stalls are longer than it allows', () => {
    const targets = runStalls(new TargetDelay({ maxTargetMs: 200 }), 150, every12s, 300);
    for (const target of targetsAtOnsets(targets, every12s).slice(2)) expect(target).toBe(200);
  });

  it('falls back within seconds after an isolated stall', () => {
    const targets = runStalls(new TargetDelay(), 60, [20_000], 400);
    const stallEnd = 20_400 / 20;
    expect(targets[stallEnd]).toBe(DEFAULT_TARGET_DELAY.maxTargetMs);
    const back = targets.slice(stallEnd).findIndex((target) => target < 25);
    expect(back).toBeGreaterThan(0);
    expect(back * 20).toBeLessThan(10_000);
    expect(Math.max(...targets.slice(stallEnd + back))).toBeLessThan(25);
  });

  it('releases the margin once the stalls stop recurring', () => {
    const fourStalls = every12s.slice(0, 4);
    const targets = runStalls(new TargetDelay({ maxTargetMs: 200 }), 300, fourStalls, 300);
    const lastEnd = (fourStalls.at(-1)! + 300) / 20;
    expect(targets[lastEnd + 50 * 20]).toBe(200); // still held 20 s later
    const back = targets.slice(lastEnd).findIndex((target) => target < 25);
    expect(back).toBeGreaterThan(0);
    expect(back * 20).toBeLessThan(120_000);
  });

  it('stays at the minimum on a clean path', () => {
    expect(Math.max(...runStalls(new TargetDelay(), 300, [], 0))).toBe(20);
  });
});

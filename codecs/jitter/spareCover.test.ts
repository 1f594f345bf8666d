import { describe, expect, it } from 'vitest';
import { SpareCover } from './spareCover.js';

const starts = new Int32Array(1);
const arrivals = new Float64Array(1);

/** Feeds `seconds` of one packet per 20 ms tick, each having waited `waitedMs`, from `fromMs`. */
function feed(cover: SpareCover, fromMs: number, seconds: number, waitedMs: (tick: number) => number): number {
  const ticks = (seconds * 1000) / 20;
  for (let tick = 0; tick < ticks; tick++) {
    const nowMs = fromMs + tick * 20;
    arrivals[0] = nowMs - waitedMs(tick);
    cover.tick(nowMs, starts, arrivals, 1);
  }
  return fromMs + ticks * 20;
}

describe('SpareCover', () => {
  it('says nothing until a whole window has been seen', () => {
    const cover = new SpareCover(8000, 4, 500);
    const at = feed(cover, 0, 1.5, () => 30);
    expect(cover.covers(22)).toBe(false);
    feed(cover, at, 1, () => 30);
    expect(cover.covers(22)).toBe(true);
    expect(cover.covers(31)).toBe(false);
  });

  it('judges the window by its least wait, and forgets it once it leaves the window', () => {
    const cover = new SpareCover(8000, 4, 500);
    let at = feed(cover, 0, 3, (tick) => (tick === 120 ? 5 : 30)); // one packet waited 5 ms, at 2.4 s
    expect(cover.covers(22)).toBe(false);
    at = feed(cover, at, 1.5, () => 30);
    expect(cover.covers(22)).toBe(false);
    feed(cover, at, 1, () => 30);
    expect(cover.covers(22)).toBe(true);
  });

  it('shows no spare cover for a window in which audio was made up', () => {
    const cover = new SpareCover(8000, 4, 500);
    let at = feed(cover, 0, 3, () => 40);
    expect(cover.covers(22)).toBe(true);
    cover.missed();
    at = feed(cover, at, 1, () => 40);
    expect(cover.covers(22)).toBe(false);
    feed(cover, at, 2, () => 40);
    expect(cover.covers(22)).toBe(true);
  });

  it('starts over after a restart', () => {
    const cover = new SpareCover(8000, 4, 500);
    const at = feed(cover, 0, 3, () => 40);
    cover.restart();
    feed(cover, at, 1, () => 40);
    expect(cover.covers(22)).toBe(false);
  });

  it('rejects a bad window', () => {
    expect(() => new SpareCover(8000, 0, 500)).toThrow(RangeError);
    expect(() => new SpareCover(8000, 4, 0)).toThrow(RangeError);
    expect(() => new SpareCover(0)).toThrow(RangeError);
  });
});

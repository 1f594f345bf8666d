import { describe, expect, it } from 'vitest';
import { playSenderSkips, senderSkipsTrace, type SenderSkipsOptions } from './fixtures/senderSkips.js';

/** 30 s of speech with pauses, 0–40 ms of jitter: the scenario of `bench/jitter/senderSkips.ts`. */
const call: SenderSkipsOptions = { frames: 1500, skipFraction: 0.05, pauses: true, jitterMs: 40 };

function spread(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

describe('frames the sender skipped, through the reorder and playout stages', () => {
  it.each([
    [160, 1],
    [160, 3],
    [20, 1],
  ])('accounts for the missing time and keeps the delay steady when only the timestamp (step %i, seed %i) shows the skips', (timestampStep, seed) => {
    const stream = senderSkipsTrace({ ...call, timestampStep, seed });
    expect(stream.skipped).toBeGreaterThan(60);
    const run = playSenderSkips(stream);
    // Skips among the first frames, before the step is learned, go unseen; every later one is a lost slot.
    expect(run.stats.lost).toBeGreaterThanOrEqual(stream.skipped - 2);
    expect(run.stats.lost).toBeLessThanOrEqual(stream.skipped);
    expect(run.stats.late + run.stats.overflowDropped).toBe(0);
    // Each lost slot took its tick (concealed), so the frames after it still play on time.
    expect(spread(run.windowDelaysMs)).toBeLessThanOrEqual(20);
    expect(run.stats.targetDelayMs).toBeLessThan(100);
  });

  it('cannot see the skips without the timestamp: the sequence numbers are contiguous', () => {
    const run = playSenderSkips(senderSkipsTrace({ ...call, withoutTimestamp: true }));
    expect(run.stats.lost).toBe(0);
  });

  it('plays a stream without skips the same whether or not it carries timestamps', () => {
    const withTimestamp = playSenderSkips(senderSkipsTrace({ ...call, skipFraction: 0 }));
    const without = playSenderSkips(senderSkipsTrace({ ...call, skipFraction: 0, withoutTimestamp: true }));
    expect(withTimestamp.stats).toEqual(without.stats);
    expect(withTimestamp.windowDelaysMs).toEqual(without.windowDelaysMs);
  });
});

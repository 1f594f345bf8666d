import { describe, expect, it } from 'vitest';
import { PcmuDecoder } from '../pcmu.js';
import { packetTrace, pcmuStream } from './fixtures/traces.js';
import { simulateTrace } from './simulateTrace.js';

/** Two minutes of 2 s talk spurts and 1 s pauses over a TCP path that stalls for 180 ms every 12 s. */
const STALL_STARTS_MS = Array.from({ length: 10 }, (_, k) => 6000 + k * 12_000);
const STALL_MS = 180;
const trace = packetTrace(pcmuStream(6000, (i) => i % 150 < 100), {
  delayMs: (i) => {
    const arrival = i * 20 + 30;
    for (const start of STALL_STARTS_MS) if (arrival >= start && arrival < start + STALL_MS) return start + STALL_MS - i * 20;
    return 30;
  },
});

/** Underrun ticks from the third stall to a second after the last: what the stalls cost once they are known to recur. */
function underrunsOnceRecurring(stallBudget: number, drainPeriods?: number): number {
  const from = STALL_STARTS_MS[2]!;
  const to = STALL_STARTS_MS.at(-1)! + STALL_MS + 1000;
  let before = 0;
  let after = 0;
  simulateTrace(trace, {
    decoder: new PcmuDecoder(),
    playout: { targetDelay: { stallBudget }, ...(drainPeriods === undefined ? {} : { timeStretch: { drainPeriods } }) },
    startMs: 0,
    onFrame: (_frame, tickMs, stage) => {
      if (tickMs < from) before = stage.stats.underruns;
      if (tickMs < to) after = stage.stats.underruns;
    },
  });
  return after - before;
}

describe('PlayoutStage over a path with recurring stalls', () => {
  it('runs dry far less once the stalls recur than with the jitter quantile alone', () => {
    const withMargin = underrunsOnceRecurring(0.002);
    const quantileOnly = underrunsOnceRecurring(0.99);
    // Most of each of the eight 180 ms stalls (audio stretched while the buffer drains covers a frame or two).
    expect(quantileOnly).toBeGreaterThanOrEqual(8 * 4);
    expect(withMargin).toBeLessThan(quantileOnly / 4);
  });

  it('runs dry less when it stretches the audio its margin holds as soon as a stall begins', () => {
    const stretching = underrunsOnceRecurring(0.002);
    const waiting = underrunsOnceRecurring(0.002, 0);
    // The margin leaves a tick or so of each stall uncovered (its budget); stretching covers most of it.
    expect(waiting).toBeGreaterThanOrEqual(4);
    expect(stretching).toBeLessThanOrEqual(waiting / 2);
  });
});

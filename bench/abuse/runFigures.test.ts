import { describe, expect, it } from 'vitest';
import type { EngineSample } from './engineSampler.js';
import { describeProgress } from './progressLine.js';
import { engineFigures, timeline } from './runFigures.js';

/** A sample at `at` ms with `rssMb`, a healthz answer in `ms` (or a failure when undefined). */
function sample(at: number, rssMb: number | undefined, fds: number, logBytes: number, ms: number | undefined): EngineSample {
  return { at, rssMb, fds, logBytes, healthz: ms === undefined ? { error: 'TIMEOUT' } : { ms } };
}

describe('run figures', () => {
  const samples = [
    sample(0, 150, 20, 1000, 2),
    sample(1000, 152, 21, 1000, 3),
    sample(2000, 151, 22, 1100, 2),
    sample(3000, 160, 25, 1200, 4), // good call up
    sample(5000, 900, 60, 50_000_000, 1500), // attack
    sample(6000, 1200, 64, 90_000_000, undefined),
    sample(40_000, 300, 30, 95_000_000, 5), // recovery
  ];

  it('takes idle figures before the good call, peaks from the attack on, and the recovery ratio', () => {
    const figures = engineFigures(samples, { goodCallStart: 2500, attackStart: 4500, recoverySample: samples[6], exit: undefined });
    expect(figures.idleRssMb).toBe(151);
    expect(figures.idleFds).toBe(21);
    expect(figures.peakRssMb).toBe(1200);
    expect(figures.peakFds).toBe(64);
    expect(figures.rssAfterMb).toBe(300);
    expect(figures.rssAfterToIdle).toBeCloseTo(300 / 151);
    expect(figures.logMb).toBe(95);
    expect(figures.healthz).toEqual({ probes: 3, failures: 1, maxMs: 1500, p99Ms: 1500 });
    expect(figures.alive).toBe(true);
  });

  it('records when a dead engine died, relative to the attack', () => {
    const figures = engineFigures(samples.slice(0, 6), { goodCallStart: 2500, attackStart: 4500, recoverySample: undefined, exit: { code: null, signal: 'SIGABRT', at: 45_500 } });
    expect(figures.alive).toBe(false);
    expect(figures.diedAtSeconds).toBe(41);
    expect(figures.exit).toEqual({ code: null, signal: 'SIGABRT' });
    expect(figures.rssAfterToIdle).toBeUndefined();
  });

  it('lays the samples out on a timeline in seconds from the attack', () => {
    const points = timeline(samples.slice(4, 6), 4500);
    expect(points).toEqual([
      { t: 0.5, rssMb: 900, fds: 60, logMb: 50, healthzMs: 1500, healthzError: undefined },
      { t: 1.5, rssMb: 1200, fds: 64, logMb: 90, healthzMs: undefined, healthzError: 'TIMEOUT' },
    ]);
  });

  it('describes progress with the latest readings and the attack counters', () => {
    const report = { attack: 'error-flood' as const, elapsedMs: 0, connectionsAttempted: 31, connectionsOpened: 31, open: 30, peakOpen: 30, refusedByStatus: { '503': 4 }, closedByEngine: {}, connectErrors: {}, messagesSent: 12_000, bytesSent: 700e6, extra: {} };
    const line = describeProgress('error-flood', performance.now() - 10_000, samples[5], samples[4], report, false);
    expect(line).toBe('error-flood +10 s: engine RSS 1200 MB, 64 fds, log 90.0 MB, /healthz 1500 ms | attack: 30 open, 31 opened, 4 refused, 12,000 messages, 700 MB sent');
    expect(describeProgress('error-flood', performance.now(), undefined, undefined, undefined, true)).toBe('error-flood +0 s: engine DEAD');
  });
});

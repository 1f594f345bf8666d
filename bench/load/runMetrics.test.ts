import { describe, expect, it } from 'vitest';
import { baselineRatios, loopDelayMs, runMetrics, stepVerdict } from './runMetrics.js';
import { EMPTY_SUMMARY as EMPTY, syntheticGenerator as generator, syntheticMeasurement as measurement } from './syntheticRun.js';

describe('runMetrics', () => {
  it('derives CPU per call-second, RSS per call and the window’s event-loop delay', () => {
    const metrics = runMetrics(measurement('callwire', 2000, 100, 14.5));
    expect(metrics.avgOpenCalls).toBeCloseTo(100, 6);
    expect(metrics.windowSeconds).toBeCloseTo(10, 6);
    expect(metrics.cpuPercent).toBeCloseTo(20, 6); // 2000 ms in 10 s
    expect(metrics.cpuMsPerCallSecond).toBeCloseTo(2, 6); // 2000 ms / (100 calls × 10 s)
    expect(metrics.rssPerCallKB).toBeCloseTo((20 * 1024) / 100, 6);
    expect(metrics.loop.p99).toBeCloseTo(4.5, 6);
    expect(metrics.loopReported.p99).toBe(14.5);
  });

  it('reads the jitter buffers, lost frames and abnormal endings of the run', () => {
    const metrics = runMetrics(measurement('callwire', 2000, 100, 12));
    expect(metrics.jitter).toMatchObject({ ticks: 50_000, addedDelayMeanMs: 22, concealmentPercent: 0.5, underruns: 2 });
    expect(metrics.framesLost).toEqual({ eligible: 10_000, lost: 25, percent: 0.25 });
    // socket_closed ×2 are the profile's own disconnects; media_timeout is not.
    expect(metrics.endings.abnormal).toBe(1);
    expect(metrics.pacing).toMatchObject({ p99: 4, underruns: 3 });
    expect(metrics.warnings).toEqual([]);
  });

  it('warns when the generator is busy or late', () => {
    const run = measurement('callwire', 2000, 100, 12);
    const busy = runMetrics({ ...run, generator: generator({ cpuPercent: 70, sendLateness: { ...EMPTY, p99: 8 } }) });
    expect(busy.warnings).toHaveLength(2);
  });

  it('compares callwire with the baseline and judges find-max steps by pacing and event loop', () => {
    const callwire = runMetrics(measurement('callwire', 3000, 110, 16));
    const baseline = runMetrics(measurement('baseline', 2000, 100, 12));
    expect(baseline.jitter).toBeNull();
    const ratios = baselineRatios(callwire, baseline);
    expect(ratios.cpuPerCallSecond).toBeCloseTo(1.5, 6);
    expect(ratios.rssPerCall).toBeCloseTo(1.5, 6);
    expect(ratios.loopP99).toBeCloseTo(3, 6);
    expect(stepVerdict(callwire)).toEqual({ held: true, reason: 'held' });
    expect(stepVerdict(runMetrics(measurement('callwire', 3000, 110, 31))).held).toBe(false);
  });

  it('fails a step whose engine did not answer /stats in time', () => {
    const late = runMetrics({ ...measurement('callwire', 2000, 100, 12), statsProblems: ['window measured to the reading after the calls ended'] });
    expect(late.statsLate).toBe(true);
    expect(stepVerdict(late)).toEqual({ held: false, reason: 'the engine did not answer /stats in time' });
    expect(late.warnings).toContain('server stats: window measured to the reading after the calls ended');
  });

  it('takes the monitor interval off the reported delay', () => {
    expect(loopDelayMs(10.1)).toBeCloseTo(0.1, 10);
    expect(loopDelayMs(3)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { EngineStats } from '../engineStats.js';
import { sumSnapshots } from './clusterStats.js';

describe('sumSnapshots', () => {
  it('sums counters, CPU and memory with the primary’s share, keeps the worst loop delay, weighs jitter delay by ticks', () => {
    const a = new EngineStats().snapshot(2);
    const b = new EngineStats().snapshot(1);
    const workerA = { ...a, cpu: { userMicros: 100, systemMicros: 10 }, eventLoopDelayMs: { p50: 1, p99: 5, max: 9, mean: 1 }, calls: { active: 2, started: 3, ended: 1, endedByReason: { stream_stopped: 1 } }, jitter: { ...a.jitter, ticks: 100, addedDelayMeanMs: 40, addedDelayP95MaxMs: 60 } };
    const workerB = { ...b, cpu: { userMicros: 200, systemMicros: 20 }, eventLoopDelayMs: { p50: 2, p99: 3, max: 12, mean: 2 }, calls: { active: 1, started: 2, ended: 1, endedByReason: { stream_stopped: 1 } }, jitter: { ...b.jitter, ticks: 300, addedDelayMeanMs: 20, addedDelayP95MaxMs: 80 } };
    const primary = { cpu: { userMicros: 7, systemMicros: 3 }, memory: { rssBytes: 1000, heapUsedBytes: 10, externalBytes: 1 } };
    const total = sumSnapshots([workerA, workerB], primary);
    expect(total.cpu).toEqual({ userMicros: 307, systemMicros: 33 });
    expect(total.memory.rssBytes).toBe(1000 + a.memory.rssBytes + b.memory.rssBytes);
    expect(total.eventLoopDelayMs).toEqual({ p50: 2, p99: 5, max: 12, mean: 2 });
    expect(total.calls).toEqual({ active: 3, started: 5, ended: 2, endedByReason: { stream_stopped: 2 } });
    expect(total.jitter.ticks).toBe(400);
    expect(total.jitter.addedDelayMeanMs).toBeCloseTo(25);
    expect(total.jitter.addedDelayP95MaxMs).toBe(80);
  });

  it('is the primary’s share alone with no worker', () => {
    const total = sumSnapshots([], { cpu: { userMicros: 1, systemMicros: 2 }, memory: { rssBytes: 3, heapUsedBytes: 4, externalBytes: 5 } });
    expect(total.calls.active).toBe(0);
    expect(total.cpu).toEqual({ userMicros: 1, systemMicros: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { runUpstreamBench, upstreamBenchMarkdown } from './upstreamBench.js';

describe('callwire bench --upstream, scaled down', () => {
  it('measures both directions of forwarding and CPU on real calls through a real engine process', async () => {
    const report = await runUpstreamBench({ protocol: 'twilio', calls: 2, latencySeconds: 1, cpuSeconds: 1 });
    expect(report.calls).toBe(2);
    // Figures come from frames that were matched end to end: past the warm-up, every frame of a
    // second-long call on both calls, each arriving after it left.
    expect(report.callerToBotMs.samples).toBeGreaterThan(40);
    expect(report.botToCallerMs.samples).toBeGreaterThan(40);
    expect(report.callerToBotMs.p50).toBeGreaterThan(0);
    expect(report.botToCallerMs.p50).toBeGreaterThan(0);
    expect(report.cpuMsPerCallSecond.forwarded).toBeGreaterThanOrEqual(0);
    expect(upstreamBenchMarkdown(report)).toContain('bot server sends a frame');
  }, 90_000);
});

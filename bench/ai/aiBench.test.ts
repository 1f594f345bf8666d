import { describe, expect, it } from 'vitest';
import { aiBenchMarkdown, runAiBench } from './aiBench.js';

describe('callwire bench --ai, scaled down', () => {
  it('measures answer latency, barge-in and truncation on real calls through a real engine process', async () => {
    const report = await runAiBench({ calls: 2, turns: 2, hearMs: 400, cpuSeconds: 1 });
    expect(report.calls).toBe(2);
    // Every figure comes from events that happened: the answer reached Telnyx after the model sent
    // it, the clear after the model heard the caller, and the truncation is bounded by the answer.
    expect(report.answerLatencyMs.p50).toBeGreaterThan(0);
    expect(report.greetingMs.p50).toBeGreaterThan(0);
    expect(report.bargeInMs.p50).toBeGreaterThan(0);
    expect(report.truncationErrorMs?.max).toBeLessThan(400);
    expect(report.cpuMsPerCallSecond.ai).toBeGreaterThanOrEqual(0);
    expect(aiBenchMarkdown(report)).toContain("model's barge-in cue → clear at Telnyx");
  }, 90_000);

  it('runs against Gemini Live too, where there is nothing to truncate', async () => {
    const report = await runAiBench({ provider: 'gemini', calls: 2, turns: 2, hearMs: 400, cpuSeconds: 1 });
    expect(report.provider).toBe('gemini');
    expect(report.answerLatencyMs.p50).toBeGreaterThan(0);
    expect(report.bargeInMs.p50).toBeGreaterThan(0);
    expect(report.truncationErrorMs).toBeUndefined();
    expect(aiBenchMarkdown(report)).toContain('Gemini Live fake');
  }, 90_000);
});

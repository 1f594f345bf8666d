import { describe, expect, it } from 'vitest';
import { pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { TickGrid } from './arrivalTrace.js';
import { measureStallRecovery, summarizeStallRecovery, type StallRecoveryOutcome } from './stallRecovery.js';
import { steadyTrace } from './testTraces.js';

// A talker: 2 s of voiced speech, then 1 s of silence, as in `syntheticMedia`.
const speech = pcmuStream(1500, (i) => i % 150 < 100);
const payloadOf = (index: number): Uint8Array => speech[index % speech.length]!;

function outcome(beforeMs: number, peakMs: number, speechToRecoverMs: number, speechSeenMs: number): StallRecoveryOutcome {
  return { stall: { startMs: 0, durationMs: 200 }, beforeMs, peakMs, speechToRecoverMs, speechSeenMs };
}

describe('measureStallRecovery', () => {
  it('sees the delay a stall adds in speech, and the speech it takes to give it back', () => {
    // Nothing delivered from 30,000 to 30,400 ms, then the backlog back to back; steady before and
    // after, long enough that one stall does not dominate the target's jitter history.
    const trace = steadyTrace(2500, 0, (i) => (i >= 1500 ? Math.max(0, 30_400 + 0.05 * (i - 1500) - i * 20) : 0));
    const [stall] = measureStallRecovery(trace, [{ startMs: 30_000, durationMs: 400 }], payloadOf, new PcmuDecoder(), new TickGrid(5));
    expect(stall!.beforeMs).toBeLessThan(20);
    // The backlog starts playing about as late as the stall was long (the target caps it at 200 ms).
    expect(stall!.peakMs).toBeGreaterThanOrEqual(180);
    expect(stall!.speechToRecoverMs).toBeGreaterThan(0);
    expect(stall!.speechToRecoverMs).toBeLessThan(stall!.speechSeenMs);
    expect(stall!.speechSeenMs).toBeGreaterThan(10_000);
  });

  it('leaves the pre-stall delay unknown for a stall before anything played', () => {
    const trace = steadyTrace(200, 0);
    const [stall] = measureStallRecovery(trace, [{ startMs: -100, durationMs: 50 }], payloadOf, new PcmuDecoder(), new TickGrid(0));
    expect(stall!.beforeMs).toBeNaN();
    expect(summarizeStallRecovery([stall!]).stalls).toBe(0);
  });
});

describe('summarizeStallRecovery', () => {
  it('leaves out stalls cut short by the next one, counts the rest, and splits off those that raised the delay', () => {
    const summary = summarizeStallRecovery([
      outcome(40, 45, 0, 9000), // rode through: recovered at once, not raised
      outcome(40, 300, 1200, 9000), // raised, recovered within 3 s
      outcome(40, 300, 5000, 9000), // raised, recovered too late
      outcome(40, 300, Number.NaN, 6000), // raised, never recovered in a long window
      outcome(40, 300, Number.NaN, 1000), // undecided: the next stall came first
    ]);
    expect(summary).toMatchObject({ stalls: 5, undecided: 1 });
    expect(summary.all).toMatchObject({ stalls: 4, recovered: 2, recoveredPct: 50, medianSpeechToRecoverMs: 3100 });
    expect(summary.raised).toMatchObject({ stalls: 3, recovered: 1, medianSpeechToRecoverMs: 5000 });
    expect(summary.raised.recoveredPct).toBeCloseTo(100 / 3);
  });

  it('reports an infinite median when most stalls never recovered', () => {
    const summary = summarizeStallRecovery([outcome(40, 300, Number.NaN, 9000), outcome(40, 300, Number.NaN, 9000), outcome(40, 300, 100, 9000)]);
    expect(summary.raised.medianSpeechToRecoverMs).toBe(Number.POSITIVE_INFINITY);
    expect(summary.raised.recoveredPct).toBeCloseTo(100 / 3);
  });
});

import { describe, expect, it } from 'vitest';
import { PcmuDecoder } from '../pcmu.js';
import { packetTrace, pcmuStream } from './fixtures/traces.js';
import { simulateTrace } from './simulateTrace.js';

/**
 * Twenty seconds of speech over a steady path (0 to 4 ms of jitter) with a single frame held back
 * 30 ms at `lateAtMs`; the tick grid sits `phaseMs` after the path's fastest arrivals. Returns the
 * added delay (tick of a frame's start minus the path's fastest arrival of it) around the late frame.
 */
function delaysAroundLateFrame(lateAtMs: number, phaseMs: number): { beforeMs: number; peakMs: number; lastMs: number; backAfterMs: number } {
  const lateIndex = lateAtMs / 20;
  const trace = packetTrace(pcmuStream(1000), { delayMs: (i) => 40 + ((i * 7919) % 5) + (i === lateIndex ? 30 : 0) });
  const played: { tickMs: number; delayMs: number }[] = [];
  simulateTrace(trace, {
    decoder: new PcmuDecoder(),
    startMs: 40 + phaseMs,
    onFrame: (_frame, tickMs, stage) => {
      for (let p = 0; p < stage.playedInTick; p++) {
        const index = stage.playedSequenceNumber(p) - trace[0]!.sequenceNumber;
        played.push({ tickMs, delayMs: tickMs + stage.playedOffsetMs(p) - (index * 20 + 40) });
      }
    },
  });
  const lateTickMs = lateAtMs + 40;
  const before = played.filter((p) => p.tickMs < lateTickMs && p.tickMs >= lateTickMs - 1000);
  const beforeMs = Math.max(...before.map((p) => p.delayMs));
  const after = played.filter((p) => p.tickMs >= lateTickMs);
  const peakMs = Math.max(...after.slice(0, 50).map((p) => p.delayMs));
  // Back: from here on, a second of frames all within 5 ms of where the delay was before.
  const back = after.findIndex((_, i) => after.slice(i, i + 50).every((p) => p.delayMs <= beforeMs + 5));
  return { beforeMs, peakMs, lastMs: after.at(-1)!.delayMs, backAfterMs: back < 0 ? Number.POSITIVE_INFINITY : after[back]!.tickMs - lateTickMs };
}

describe('PlayoutStage after one late frame', () => {
  for (const lateAtMs of [2000, 8000]) {
    for (const phaseMs of [3, 11, 17]) {
      it(`gives back the frame it added within 3 s (late frame at ${lateAtMs / 1000} s, ticks ${phaseMs} ms after arrivals)`, () => {
        const { beforeMs, peakMs, lastMs, backAfterMs } = delaysAroundLateFrame(lateAtMs, phaseMs);
        expect(peakMs).toBeGreaterThanOrEqual(beforeMs + 15);
        expect(backAfterMs).toBeLessThanOrEqual(3000);
        expect(lastMs).toBeLessThanOrEqual(beforeMs + 5);
      });
    }
  }
});

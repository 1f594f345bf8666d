import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountedPackets, simulate } from './fixtures/simulate.js';
import { packetIndexOf, taggedPayload } from './fixtures/taggedPayloads.js';
import { SERIAL32 } from './serial.js';
import type { TracePacket } from './simulateTrace.js';
import { PAIRS_TO_TRUST } from './timestampStep.js';

/** Frames at the start sent without any skip, so the timestamp step is trusted before the first skip. */
const LEAD_IN = PAIRS_TO_TRUST + 2;

/** What happens around one frame the sender did send. */
const fate = fc.record({
  /** Frames the sender skipped just before it: only `media.timestamp` jumps. */
  senderSkipped: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  /** Lost on the way: both counters jump past it. */
  lost: fc.integer({ min: 0, max: 9 }).map((n) => n === 9),
  delayMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 1500, noNaN: true })),
  copies: fc.nat({ max: 2 }),
  copyDelayMs: fc.double({ min: 0, max: 500, noNaN: true }),
});

const scenario = fc.record({
  fates: fc.array(fate, { minLength: LEAD_IN, maxLength: 150 }),
  firstSequence: fc.oneof(fc.constant(1), fc.constant(SERIAL32 - 40), fc.nat({ max: SERIAL32 - 1 })),
  firstTimestamp: fc.oneof(fc.constant(0), fc.constant(SERIAL32 - 3000), fc.nat({ max: SERIAL32 - 1 })),
  step: fc.constantFrom(20, 160, 960),
  tickPhaseMs: fc.double({ min: 0, max: 19.99, noNaN: true }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface Stream {
  readonly trace: TracePacket[];
  /** Media-time slot of each sent frame, by its index (the payload tag). */
  readonly slots: number[];
  /** Slots without a delivered frame between the first and the last delivered one. */
  readonly emptySlots: number;
}

/** The trace; `onTime` ignores the delays and copies (every packet arrives once, when sent). */
function buildStream(s: Scenario, onTime: boolean): Stream {
  const trace: TracePacket[] = [];
  const slots: number[] = [];
  let slot = 0;
  let sequence = s.firstSequence;
  let lastDeliveredSlot = 0;
  let delivered = 0;
  s.fates.forEach((f, index) => {
    const clean = index < LEAD_IN;
    if (!clean) slot += f.senderSkipped;
    slots.push(slot);
    if (clean || !f.lost) {
      lastDeliveredSlot = slot;
      delivered++;
      const packet: TracePacket = {
        arrivalMs: slot * 20 + (clean || onTime ? 0 : f.delayMs),
        sequenceNumber: sequence % SERIAL32,
        chunk: index + 1,
        timestamp: (s.firstTimestamp + slot * s.step) % SERIAL32,
        payload: taggedPayload(index),
      };
      trace.push(packet);
      if (!onTime) for (let c = 1; c <= f.copies; c++) trace.push({ ...packet, arrivalMs: packet.arrivalMs + f.copyDelayMs * c });
    }
    slot++;
    sequence++;
  });
  // The lead-in is delivered, so the first delivered frame is in slot 0.
  return { trace, slots, emptySlots: lastDeliveredSlot + 1 - delivered };
}

describe('PlayoutStage properties, timestamps that skip frames', () => {
  it('for any arrival order, duplication, loss and sender skip: one frame per tick, no frame twice, in send order, every packet accounted for', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { trace } = buildStream(s, false);
        const run = simulate(trace, { startMs: -20 + s.tickPhaseMs });
        const { stats } = run;

        expect(run.frames).toHaveLength(stats.ticks);
        expect(stats.speechFrames + stats.concealedFrames + stats.silenceFrames).toBe(stats.ticks);
        const played = run.frames.filter((f) => f.kind === 'speech').map((f) => packetIndexOf(f.samples));
        for (let i = 1; i < played.length; i++) expect(played[i]).toBeGreaterThan(played[i - 1]!);
        expect(stats.resets).toBe(0);
        expect(stats.packets).toBe(trace.length);
        expect(accountedPackets(stats, run.buffered)).toBe(stats.packets);
        expect(stats.released).toBe(stats.played + stats.driftDropped + stats.overflowDropped + stats.decodeErrors);
      }),
      { numRuns: 120 },
    );
  });

  it('on time: plays every frame at its media time and takes one lost tick for each slot the sender skipped or the network lost', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { trace, slots, emptySlots } = buildStream(s, true);
        const run = simulate(trace, { startMs: -20 + s.tickPhaseMs });
        const speech = run.frames.filter((f) => f.kind === 'speech');

        expect(speech).toHaveLength(trace.length);
        expect(run.stats.lost).toBe(emptySlots);
        const first = speech[0]!;
        const firstSlot = slots[packetIndexOf(first.samples)]!;
        for (const frame of speech) expect(Math.round(frame.tickMs - first.tickMs)).toBe((slots[packetIndexOf(frame.samples)]! - firstSlot) * 20);
      }),
      { numRuns: 120 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountedPackets, simulate } from './fixtures/simulate.js';
import { packetIndexOf, taggedPayload } from './fixtures/taggedPayloads.js';
import { SERIAL32 } from './serial.js';
import type { TracePacket } from './simulateTrace.js';
import { DEFAULT_TARGET_DELAY } from './targetDelay.js';

/** What happens to one packet on its way: how late it is, whether it is lost, how many copies arrive. */
const fate = fc.record({
  delayMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 1500, noNaN: true })),
  lost: fc.integer({ min: 0, max: 9 }).map((n) => n === 9),
  copies: fc.nat({ max: 2 }),
  copyDelayMs: fc.double({ min: 0, max: 500, noNaN: true }),
});

const scenario = fc.record({
  fates: fc.array(fate, { minLength: 1, maxLength: 150 }),
  firstSequence: fc.oneof(fc.constant(1), fc.constant(SERIAL32 - 40), fc.nat({ max: SERIAL32 - 1 })),
  tickPhaseMs: fc.double({ min: 0, max: 19.99, noNaN: true }),
  periodMs: fc.constantFrom(20, 19.9, 20.1),
  keyedBy: fc.constantFrom<'sequenceNumber' | 'chunk'>('sequenceNumber', 'chunk'),
  /** Head-of-line stalls of the socket: whatever was sent during one arrives when it ends. */
  stalls: fc.array(fc.record({ startMs: fc.nat({ max: 3000 }), lengthMs: fc.nat({ max: 2500 }) }), { maxLength: 2 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildTrace(s: Scenario): TracePacket[] {
  const trace: TracePacket[] = [];
  s.fates.forEach((f, i) => {
    if (f.lost) return;
    const counter = (s.firstSequence + i) % SERIAL32;
    const sentMs = i * s.periodMs;
    let arrivalMs = sentMs + f.delayMs;
    for (const stall of s.stalls) {
      if (sentMs >= stall.startMs && sentMs < stall.startMs + stall.lengthMs) arrivalMs = Math.max(arrivalMs, stall.startMs + stall.lengthMs);
    }
    const packet: TracePacket = {
      arrivalMs,
      sequenceNumber: s.keyedBy === 'sequenceNumber' ? counter : -1,
      chunk: counter,
      payload: taggedPayload(i),
    };
    trace.push(packet);
    for (let c = 1; c <= f.copies; c++) trace.push({ ...packet, arrivalMs: packet.arrivalMs + f.copyDelayMs * c });
  });
  return trace;
}

describe('PlayoutStage properties', () => {
  it('without time-stretching, for any arrival order, duplication and loss: one packet per speech frame, no frame twice, every packet accounted for', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const trace = buildTrace(s);
        const run = simulate(trace, { startMs: -20 + s.tickPhaseMs, playout: { timeStretch: false } });
        const { stats } = run;

        expectFramesWellFormed(run);
        for (const frame of run.frames) if (frame.kind === 'silence') expect(frame.samples.every((v) => v === 0)).toBe(true);
        // Each packet is played at most once, and in sending order.
        const played = run.frames.filter((f) => f.kind === 'speech').map((f) => packetIndexOf(f.samples));
        for (let i = 1; i < played.length; i++) expect(played[i]).toBeGreaterThan(played[i - 1]!);
        expect(stats.played).toBe(stats.speechFrames);
        expect(stats.acceleratedMs + stats.expandedMs).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('with time-stretching, for any arrival order, duplication and loss: one frame per tick, no packet twice, every packet accounted for', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const trace = buildTrace(s);
        const run = simulate(trace, { startMs: -20 + s.tickPhaseMs });
        expectFramesWellFormed(run);
        // Each packet starts playing at most once, and in sending order (sequence numbers were keyed in order).
        const started = run.frames.flatMap((f) => f.played.map((sequence) => (sequence - s.firstSequence + SERIAL32) % SERIAL32));
        if (s.keyedBy === 'sequenceNumber') for (let i = 1; i < started.length; i++) expect(started[i]).toBeGreaterThan(started[i - 1]!);
        expect(started).toHaveLength(run.stats.played);
        // Shortening speech takes the next packet early, at most one extra per tick.
        for (const frame of run.frames) expect(frame.played.length).toBeLessThanOrEqual(2);
        // A packet is reported on the tick whose frame it starts in, even when stretching pushed it past the tick it was decoded on.
        for (const frame of run.frames) for (const offset of frame.playedOffsetsMs) expect(offset >= 0 && offset < 20).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

function expectFramesWellFormed(run: ReturnType<typeof simulate>): void {
  const { stats } = run;
  expect(run.frames).toHaveLength(stats.ticks);
  expect(stats.speechFrames + stats.concealedFrames + stats.silenceFrames).toBe(stats.ticks);
  for (const frame of run.frames) {
    expect(frame.samples).toHaveLength(160);
    expect(frame.targetMs).toBeGreaterThanOrEqual(20);
    expect(frame.targetMs).toBeLessThanOrEqual(DEFAULT_TARGET_DELAY.maxTargetMs);
  }
  expect(stats.resets).toBe(0);
  expect(stats.packets).toBe(run.outcomes.length);
  expect(accountedPackets(stats, run.buffered)).toBe(stats.packets);
  expect(stats.released).toBe(stats.played + stats.driftDropped + stats.overflowDropped + stats.decodeErrors);
}

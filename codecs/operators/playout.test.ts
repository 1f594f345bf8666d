import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AudioFrameKind } from '../../bots/api.js';
import { ManualClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { Pacer } from '../../engine/pacer.js';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { packetTrace, pcmuStream } from '../jitter/fixtures/traces.js';
import { PacerTicks } from '../jitter/pacerTicks.js';
import { simulateTrace } from '../jitter/simulateTrace.js';
import { PlayoutStage } from '../jitter/playoutStage.js';
import { PcmuDecoder } from '../pcmu.js';
import { playout } from './playout.js';

/** A call's inbound path as the engine would wire it: packets in, the shared pacer ticking the playout. */
function harness() {
  const clock = new ManualClock(0);
  const pacer = new Pacer(clock, silentLogger());
  const ticks = new PacerTicks(clock);
  const packets = new Subject<MediaPacket>();
  const stage = new PlayoutStage(new PcmuDecoder());
  const frames: { kind: AudioFrameKind; sequenceNumber: number; at: number }[] = [];
  /** Every packet whose audio started, in the order it started (a frame names only the last of a tick's). */
  const started: number[] = [];
  let completed = false;
  packets.pipe(playout(stage, ticks, clock)).subscribe({
    next: (frame) => {
      frames.push({ kind: frame.kind, sequenceNumber: frame.sequenceNumber, at: clock.now() });
      for (let p = 0; p < stage.playedInTick; p++) started.push(stage.playedSequenceNumber(p));
    },
    complete: () => (completed = true),
  });
  pacer.add(ticks);
  const packet = new MediaPacket(160);
  /** Schedules packet `sequenceNumber` to arrive at `atMs`. */
  const arrive = (sequenceNumber: number, atMs: number) =>
    clock.setTimeout(() => {
      packet.sequenceNumber = sequenceNumber;
      packet.payload.fill(0x55, 0, 160);
      packet.length = 160;
      packets.next(packet);
    }, atMs - clock.now());
  return { clock, pacer, ticks, packets, stage, frames, started, arrive, completed: () => completed };
}

describe('PacerTicks', () => {
  it('stamps catch-up ticks one period apart, and restarts from now after a long stall', () => {
    const clock = new ManualClock(0);
    const pacer = new Pacer(clock, silentLogger(), { maxCatchUpTicks: 5 });
    const ticks = new PacerTicks(clock);
    const stamps: number[] = [];
    const subscription = ticks.subscribe((stamp) => stamps.push(stamp));
    pacer.add(ticks);
    clock.advance(40);
    clock.stall(70);
    clock.advance(0);
    expect(stamps).toEqual([20, 40, 60, 80, 100]);
    clock.stall(500); // longer than the pacer catches up: it re-bases
    clock.advance(0);
    expect(stamps.at(-1)).toBe(clock.now());
    subscription.unsubscribe();
    clock.advance(20);
    expect(stamps).toHaveLength(6);
  });
});

describe('playout operator on the shared pacer', () => {
  it('emits exactly one frame per pacer tick and plays packets in order', () => {
    const h = harness();
    for (let seq = 1; seq <= 50; seq++) h.arrive(seq, 5 + seq * 20 + (seq % 5 === 0 ? 25 : 0));
    h.clock.advance(1200);
    expect(h.frames).toHaveLength(h.pacer.stats.ticks);
    expect(h.frames).toHaveLength(60);
    expect(h.started).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // A frame names the last packet that started in it: rising, and never one that has not started.
    const named = h.frames.filter((f) => f.sequenceNumber >= 0).map((f) => f.sequenceNumber);
    expect(named).toEqual([...new Set(named)].sort((a, b) => a - b));
    expect(h.stage.stats.late).toBe(0);
    expect(h.stage.stats.reordered).toBe(9); // every 5th packet arrives after the next one (the 50th has none)
  });

  it('keeps one frame per tick when the pacer catches up after the event loop stalled', () => {
    const h = harness();
    h.clock.advance(40);
    h.clock.stall(70); // the timer due at 60 fires at 110, with the ticks of 60, 80 and 100 due
    h.clock.advance(0);
    expect(h.pacer.stats.ticks).toBe(5);
    expect(h.frames.map((f) => f.at)).toEqual([20, 40, 110, 110, 110]);
  });

  it('matches simulateTrace frame for frame on the same trace (stall, reordering, loss)', () => {
    const payloads = pcmuStream(400, (i) => Math.floor(i / 50) % 2 === 0);
    const trace = packetTrace(payloads, {
      startMs: 7.5,
      delayMs: (i) => (i >= 100 && i < 110 ? (110 - i) * 20 : i % 17 === 3 ? 31 : 0),
    }).filter((_, i) => i % 53 !== 20);
    const endMs = 9000;

    const h = harness();
    for (const p of trace) {
      h.clock.setTimeout(() => {
        const packet = new MediaPacket(160);
        packet.sequenceNumber = p.sequenceNumber;
        packet.chunk = p.chunk ?? -1;
        packet.payload.set(p.payload);
        packet.length = p.payload.length;
        h.packets.next(packet);
      }, p.arrivalMs);
    }
    h.clock.advance(endMs);

    const simulated: { kind: AudioFrameKind; sequenceNumber: number }[] = [];
    simulateTrace(trace, {
      decoder: new PcmuDecoder(),
      startMs: 20,
      endMs,
      onFrame: (frame) => simulated.push({ kind: frame.kind, sequenceNumber: frame.sequenceNumber }),
    });
    expect(h.frames.map((f) => ({ kind: f.kind, sequenceNumber: f.sequenceNumber }))).toEqual(simulated);
    expect(h.stage.stats.lost).toBeGreaterThan(0);
    expect(h.stage.stats.reordered).toBeGreaterThan(0);
  });

  it('completes with the packets', () => {
    const h = harness();
    h.clock.advance(100);
    h.packets.complete();
    expect(h.completed()).toBe(true);
  });
});

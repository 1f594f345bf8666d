import { describe, expect, it } from 'vitest';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { L16Decoder, L16Encoder } from '../l16.js';
import { PcmuDecoder, mulawDecodeInto } from '../pcmu.js';
import type { AudioDecoder, LossRecovery } from '../types.js';
import { readBinFixture } from '../fixtures/loadFixture.js';
import { meanSquare } from './energy.js';
import { accountedPackets, simulate, type EmittedFrame } from './fixtures/simulate.js';
import { FRAME_SAMPLES, packetTrace, pcmuStream } from './fixtures/traces.js';
import { PlayoutStage } from './playoutStage.js';
import { SERIAL32 } from './serial.js';
import type { TracePacket } from './simulateTrace.js';
import { DEFAULT_TARGET_DELAY } from './targetDelay.js';

const rms = (frame: EmittedFrame) => Math.sqrt(meanSquare(frame.samples, frame.samples.length));
const kinds = (frames: readonly EmittedFrame[]) => frames.map((f) => (f.kind === 'speech' ? 'S' : f.kind === 'concealed' ? 'C' : '_')).join('');
/** One second of speech, one of silence, and so on. */
const alternating = (i: number) => Math.floor(i / 50) % 2 === 0;

function decoded(payload: Uint8Array): Int16Array {
  const out = new Int16Array(FRAME_SAMPLES);
  mulawDecodeInto(payload, payload.length, out);
  return out;
}

/** The frames decoded from packets. */
function speechRun(frames: readonly EmittedFrame[]): EmittedFrame[] {
  return frames.filter((f) => f.kind === 'speech');
}

describe('PlayoutStage: in order', () => {
  it('plays every packet byte-exact, adds less than the minimum target, never conceals', () => {
    const fixture = readBinFixture('pcmu-sine440-8k-20ms.bin');
    const payloads = [...pcmuStream(200), fixture, fixture];
    for (const phase of [0, 7, 19.5]) {
      const trace = packetTrace(payloads, { startMs: phase });
      // End on the tick that plays the last packet: later ticks would conceal the end of the stream.
      const run = simulate(trace, { endMs: trace.at(-1)!.arrivalMs + 19 });
      const played = speechRun(run.frames);
      expect(played.map((f) => f.sequenceNumber)).toEqual(trace.map((p) => p.sequenceNumber));
      played.forEach((frame, i) => expect(frame.samples).toEqual(decoded(payloads[i]!)));
      // Only the tick before the first arrival (when the phase is not 0) is not speech.
      const offset = phase === 0 ? 0 : 1;
      expect(run.frames.slice(offset, offset + played.length).every((f) => f.kind === 'speech')).toBe(true);
      expect(run.stats.lost + run.stats.late + run.stats.concealedFrames + run.stats.driftDropped + run.stats.driftInserted).toBe(0);
      expect(run.stats.addedDelayP95Ms).toBeLessThanOrEqual(20);
      expect(run.stats.addedDelayMeanMs).toBeLessThan(20);
      expect(Math.max(...run.frames.map((f) => f.targetMs))).toBe(20);
    }
  });
});

describe('PlayoutStage: reordering, duplicates, late frames', () => {
  it('plays reordered packets in order once the target covers them', () => {
    const payloads = pcmuStream(500);
    // Every 10th packet arrives 30 ms late, after the one sent after it.
    const trace = packetTrace(payloads, { startMs: 5, delayMs: (i) => (i % 10 === 5 ? 30 : 0) });
    const run = simulate(trace);
    expect(run.stats.reordered).toBe(50 - run.stats.late);
    expect(run.stats.late).toBeLessThanOrEqual(1); // the first one, before the target rose
    // By packet starts: before the target rose, a late packet made the buffer stretch audio it held.
    const played = run.frames.flatMap((f) => f.played);
    for (let i = 1; i < played.length; i++) expect(played[i]).toBeGreaterThan(played[i - 1]!);
    const afterWarmup = run.frames.slice(100, 500);
    expect(afterWarmup.every((f) => f.kind === 'speech')).toBe(true);
    expect(afterWarmup.at(-1)!.targetMs).toBe(50);
  });

  it('drops duplicates, buffered or already played, and plays each packet once', () => {
    const payloads = pcmuStream(300);
    const trace: TracePacket[] = packetTrace(payloads, { startMs: 3 });
    const copies = trace.filter((_, i) => i % 7 === 0).map((p) => ({ ...p, arrivalMs: p.arrivalMs + 1 }));
    const replays = trace.filter((_, i) => i % 50 === 10).map((p) => ({ ...p, arrivalMs: p.arrivalMs + 300 }));
    const run = simulate([...trace, ...copies, ...replays], { endMs: trace.at(-1)!.arrivalMs + 19 });
    expect(run.stats.duplicates).toBe(copies.length + replays.length);
    const played = speechRun(run.frames).map((f) => f.sequenceNumber);
    expect(played).toEqual(trace.map((p) => p.sequenceNumber));
    expect(run.stats.concealedFrames + run.stats.lost).toBe(0);
  });

  it('counts a packet that comes after its slot was concealed as late, and raises the target at once', () => {
    const payloads = pcmuStream(400);
    const trace = packetTrace(payloads, { startMs: 2, delayMs: (i) => (i === 150 ? 200 : 0) });
    const run = simulate(trace);
    expect(run.stats.late).toBe(1);
    expect(run.stats.lost).toBe(1);
    expect(run.outcomes.filter((o) => o === 'late')).toHaveLength(1);
    const lateArrival = trace[150]!.arrivalMs;
    const before = run.frames.filter((f) => f.tickMs < lateArrival).at(-1)!;
    const after = run.frames.find((f) => f.tickMs >= lateArrival)!;
    expect(before.targetMs).toBe(20);
    expect(after.targetMs).toBe(220); // its 200 ms of jitter plus one frame
    expect(run.frames.some((f) => f.sequenceNumber === trace[150]!.sequenceNumber)).toBe(false);
  });
});

describe('PlayoutStage: loss', () => {
  const payloads = pcmuStream(400);
  const dropped = new Set([100, 200, 201, 300, 301, 302, 303, 304, 305, 306, 307]);
  const trace = packetTrace(payloads, { startMs: 4 }).filter((_, i) => !dropped.has(i));
  const run = simulate(trace);
  const bySeq = (seq: number) => run.frames.findIndex((f) => f.sequenceNumber === seq);

  it('conceals each lost frame in its place and labels it', () => {
    expect(run.stats.lost).toBe(11);
    expect(kinds(run.frames.slice(bySeq(100), bySeq(102) + 1))).toBe('SCS');
    expect(kinds(run.frames.slice(bySeq(200), bySeq(203) + 1))).toBe('SCCS');
    expect(kinds(run.frames.slice(bySeq(300), bySeq(309) + 1))).toBe('SCCCC____S');
    const lastArrival = trace.at(-1)!.arrivalMs;
    expect(run.frames.filter((f) => f.kind === 'concealed' && f.tickMs <= lastArrival)).toHaveLength(7);
    expect(run.stats.late).toBe(0);
  });

  it('fades a long loss to exact silence, then fades the real audio back in', () => {
    const start = bySeq(300) + 1;
    const levels = run.frames.slice(start, start + 8).map(rms);
    expect(levels[0]).toBeGreaterThan(0.9 * rms(run.frames[start - 1]!));
    for (let i = 1; i < 4; i++) expect(levels[i]).toBeLessThan(levels[i - 1]!);
    for (let i = 4; i < 8; i++) expect(run.frames[start + i]!.samples.every((s) => s === 0)).toBe(true);
    const resumed = run.frames[start + 8]!;
    const real = decoded(payloads[308]!); // sequence numbers start at 1: index 308 is sequence 309
    expect(Math.abs(resumed.samples[0]!)).toBeLessThanOrEqual(Math.abs(real[0]!) / 20 + 1);
    expect(resumed.samples.subarray(40)).toEqual(real.subarray(40));
  });

  it('accounts for every packet', () => {
    expect(accountedPackets(run.stats, run.buffered)).toBe(run.stats.packets);
    expect(run.stats.speechFrames + run.stats.concealedFrames + run.stats.silenceFrames).toBe(run.stats.ticks);
  });
});

describe('PlayoutStage: stall then burst (a TCP hiccup)', () => {
  const payloads = pcmuStream(4500, alternating);
  // At 30 s the socket stalls for 300 ms; the 15 frames sent meanwhile arrive together.
  const stallEnd = 3 + 1515 * 20;
  const trace = packetTrace(payloads, { startMs: 3, delayMs: (i) => (i >= 1500 && i < 1515 ? stallEnd - (3 + i * 20) : 0) });
  const run = simulate(trace);
  const afterBurst = run.frames.findIndex((f) => f.tickMs >= stallEnd);

  it('conceals the stall, then plays every delayed frame (none late or lost)', () => {
    expect(kinds(run.frames.slice(afterBurst - 15, afterBurst + 1))).toBe('CCCC___________S');
    expect(run.stats.late + run.stats.lost).toBe(0);
    expect(run.stats.underruns).toBeGreaterThanOrEqual(15);
  });

  it('raises the target at once and lowers it over about a second once the stall is past', () => {
    const targets = run.frames.map((f) => f.targetMs);
    expect(targets[afterBurst - 1]).toBe(20);
    expect(targets[afterBurst]).toBe(DEFAULT_TARGET_DELAY.maxTargetMs);
    const after = targets.slice(afterBurst);
    for (let i = 1; i < after.length; i++) expect(after[i]).toBeLessThanOrEqual(after[i - 1]!);
    const halfway = after.findIndex((t) => t <= 110);
    expect(halfway * 20).toBeGreaterThanOrEqual(200);
    expect(halfway * 20).toBeLessThan(2000);
    expect(after.findIndex((t) => t <= 25) * 20).toBeLessThan(5000);
  });

  const silenceOnly = simulate(trace, { playout: { timeStretch: false } });

  it('without time-stretching, sheds the extra delay only during silence', () => {
    expect(silenceOnly.stats.driftDropped).toBeGreaterThanOrEqual(14);
    expect(silenceOnly.stats.driftDropped).toBeLessThanOrEqual(15);
    expect(silenceOnly.stats.overflowDropped).toBe(0);
    const played = speechRun(silenceOnly.frames).map((f) => f.sequenceNumber);
    for (let i = 1; i < played.length; i++) {
      const skipped = played[i]! - played[i - 1]! - 1;
      if (skipped === 0) continue;
      expect(skipped).toBe(1);
      // Sequence numbers start at 1, so the dropped packet's trace index is the previous sequence number.
      expect(alternating(played[i - 1]!)).toBe(false);
      expect(alternating(played[i - 1]! - 1)).toBe(false);
    }
  });
});

describe('PlayoutStage: stall then burst, time-stretched', () => {
  const payloads = pcmuStream(4500, alternating);
  // The same 300 ms stall, in the middle of a second of speech (frames 1525-1574).
  const stallEnd = 3 + 1540 * 20;
  const trace = packetTrace(payloads, { startMs: 3, delayMs: (i) => (i >= 1525 && i < 1540 ? stallEnd - (3 + i * 20) : 0) });
  // A cap below the stall, so the backlog is above the target from the moment it lands.
  const stretched = simulate(trace, { playout: { maxTargetMs: 200 } });
  const silenceOnly = simulate(trace, { playout: { maxTargetMs: 200, timeStretch: false } });
  const delaysOf = (run: typeof stretched) => run.frames.flatMap((f) => f.played.map(() => f.tickMs));

  it('sheds the extra delay mid-speech, one pitch period at a time, dropping no packet', () => {
    expect(stretched.stats.acceleratedMs).toBeGreaterThan(100);
    expect(stretched.stats.driftDropped).toBeLessThan(silenceOnly.stats.driftDropped);
    expect(stretched.stats.late + stretched.stats.lost + stretched.stats.overflowDropped).toBe(0);
    expect(stretched.stats.addedDelayMeanMs).toBeLessThan(silenceOnly.stats.addedDelayMeanMs);
    expect(delaysOf(stretched)).toHaveLength(stretched.stats.played);
  });

  it('keeps the voice continuous across every splice: no jump larger than the voice itself makes', () => {
    const output = Int16Array.from(stretched.frames.flatMap((f) => (f.kind === 'speech' ? [...f.samples] : [0])));
    let largest = 0;
    // Pairs with a digital zero are the source's own abrupt starts and ends of speech.
    for (let s = 1; s < output.length; s++) if (output[s] !== 0 && output[s - 1] !== 0) largest = Math.max(largest, Math.abs(output[s]! - output[s - 1]!));
    let natural = 0;
    const voiced = decoded(payloads[0]!);
    for (let s = 1; s < voiced.length; s++) natural = Math.max(natural, Math.abs(voiced[s]! - voiced[s - 1]!));
    expect(largest).toBeLessThanOrEqual(natural * 1.1);
  });
});

describe('PlayoutStage: long stall beyond the overflow limit', () => {
  it('evicts and drops down to the target instead of holding seconds of delay', () => {
    const payloads = pcmuStream(1000);
    const stallEnd = 3 + 602 * 20;
    const trace = packetTrace(payloads, { startMs: 3, delayMs: (i) => (i >= 500 && i < 600 ? stallEnd - (3 + i * 20) : 0) });
    const run = simulate(trace);
    expect(run.stats.evicted).toBeGreaterThan(0);
    expect(run.stats.overflowDropped).toBeGreaterThan(0);
    const last = run.frames.filter((f) => f.kind === 'speech').at(-1)!;
    expect(last.tickMs - trace.at(-1)!.arrivalMs).toBeLessThanOrEqual(200 + 20);
    expect(accountedPackets(run.stats, run.buffered)).toBe(run.stats.packets);
  });
});

describe('PlayoutStage: restarts and jumps of the counter', () => {
  function jumpTrace(jump: number): TracePacket[] {
    const trace = packetTrace(pcmuStream(400), { startMs: 6, firstSequence: 10_000 });
    return trace.map((p, i) => (i >= 200 ? { ...p, sequenceNumber: p.sequenceNumber + jump } : p));
  }

  it.each([
    ['back by 5000 (restart)', -5000, 1],
    ['ahead by 10000 (discontinuity)', 10_000, 1],
    ['ahead by 40 (beyond the ring)', 40, 0],
    ['ahead by 10', 10, 0],
  ])('keeps playing through a jump %s without waiting', (_, jump, resets) => {
    const run = simulate(jumpTrace(jump));
    expect(run.stats.resets).toBe(resets);
    expect(run.stats.played).toBe(400);
    const gapStart = run.frames.findIndex((f) => f.sequenceNumber === 10_199);
    const resumed = run.frames.findIndex((f) => f.sequenceNumber === 10_200 + jump);
    expect(resumed - gapStart).toBeLessThanOrEqual(2);
    expect(run.stats.late).toBe(0);
  });
});

describe('PlayoutStage: sequence_number wrap at 2^32', () => {
  it('plays straight through the wrap, with reordering across it', () => {
    const payloads = pcmuStream(300);
    const trace = packetTrace(payloads, { startMs: 1, firstSequence: SERIAL32 - 150, delayMs: (i) => (i % 2 === 0 ? 25 : 0) });
    const run = simulate(trace);
    expect(run.stats.resets + run.stats.late).toBe(0);
    expect(run.frames.flatMap((f) => f.played)).toEqual(trace.map((p) => p.sequenceNumber));
    expect(trace.some((p) => p.sequenceNumber === 0)).toBe(true);
  });
});

describe('PlayoutStage: clock drift', () => {
  function drift(periodMs: number, timeStretch = false) {
    const payloads = pcmuStream(6000, alternating);
    const trace = packetTrace(payloads, { startMs: 9, periodMs });
    return { run: simulate(trace, { endMs: trace.at(-1)!.arrivalMs, ...(timeStretch ? {} : { playout: { timeStretch: false } }) }), payloads };
  }

  it('with time-stretching, still absorbs a 0.5 % fast or slow sender (120 s: 600 ms), and never conceals', () => {
    const fast = drift(19.9, true).run.stats;
    expect(fast.acceleratedMs + 20 * fast.driftDropped).toBeGreaterThanOrEqual(500);
    expect(fast.concealedFrames + fast.lost + fast.late).toBe(0);
    const slow = drift(20.1, true).run.stats;
    expect(slow.expandedMs + 20 * slow.driftInserted - slow.acceleratedMs).toBeGreaterThanOrEqual(500);
    expect(slow.concealedFrames + slow.lost + slow.late).toBe(0);
  });

  it('without time-stretching, drops frames in silence when the sender is 0.5 % fast, and never conceals', () => {
    const { run } = drift(19.9);
    expect(run.stats.driftDropped).toBeGreaterThanOrEqual(25);
    expect(run.stats.driftInserted).toBe(0);
    expect(run.stats.concealedFrames + run.stats.lost + run.stats.late).toBe(0);
    const played = speechRun(run.frames).map((f) => f.sequenceNumber);
    for (let i = 1; i < played.length; i++) {
      if (played[i]! - played[i - 1]! === 1) continue;
      expect(played[i]! - played[i - 1]!).toBe(2);
      expect(alternating(played[i - 1]!)).toBe(false); // the dropped frame (index = its sequence number - 1)
      expect(alternating(played[i - 1]! - 1)).toBe(false); // and the one played before it
    }
  });

  it('without time-stretching, inserts silent frames in silence when the sender is 0.5 % slow, and never conceals', () => {
    const { run } = drift(20.1);
    expect(run.stats.driftInserted).toBeGreaterThanOrEqual(25);
    expect(run.stats.driftDropped).toBe(0);
    expect(run.stats.concealedFrames + run.stats.lost + run.stats.late).toBe(0);
    const firstPlayed = run.frames.findIndex((f) => f.kind === 'speech');
    for (let i = firstPlayed + 1; i < run.frames.length; i++) {
      if (run.frames[i]!.kind !== 'silence') continue;
      const previous = run.frames[i - 1]!;
      expect(previous.kind === 'silence' || !alternating(previous.sequenceNumber - 1)).toBe(true);
    }
  });
});

describe('PlayoutStage: bounded target', () => {
  it('keeps the target within the configured bounds under heavy random jitter', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const trace = packetTrace(pcmuStream(1500), { startMs: 0, delayMs: () => random() * 1000 });
    for (const [min, max] of [
      [20, 200],
      [60, 120],
    ] as const) {
      const run = simulate(trace, { playout: { minTargetMs: min, maxTargetMs: max } });
      const targets = run.frames.map((f) => f.targetMs);
      expect(Math.min(...targets)).toBeGreaterThanOrEqual(min);
      expect(Math.max(...targets)).toBe(max);
      expect(accountedPackets(run.stats, run.buffered)).toBe(run.stats.packets);
    }
  });
});

/** A stand-in for Opus: PCM bytes as samples, PLC writes 111s, FEC (first byte 0xfe) writes 222s. */
class FakeFecDecoder implements AudioDecoder, LossRecovery {
  readonly sampleRate = 8000;
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    const n = Math.min(length, out.length);
    for (let i = 0; i < n; i++) out[i] = payload[i]!;
    return n;
  }
  concealLoss(out: Int16Array, sampleCount: number): number {
    out.fill(111, 0, sampleCount);
    return sampleCount;
  }
  recoverFromNext(nextPayload: Uint8Array, _length: number, out: Int16Array, sampleCount: number): number {
    if (nextPayload[0] !== 0xfe) return 0;
    out.fill(222, 0, sampleCount);
    return sampleCount;
  }
  close(): void {}
}

describe('PlayoutStage: decoders with their own loss recovery', () => {
  it('rebuilds a lost frame from the next packet when it is there, else uses the codec PLC', () => {
    const payloads = Array.from({ length: 100 }, (_, i) => new Uint8Array(160).fill(i === 31 ? 0xfe : 7));
    const trace = packetTrace(payloads, { startMs: 0 }).filter((_, i) => i !== 30 && i !== 60);
    // A 40 ms floor leaves time for the packet after a loss to arrive before the loss is due.
    const run = simulate(trace, { decoder: new FakeFecDecoder(), playout: { minTargetMs: 40 } });
    expect(run.stats.recovered).toBe(1);
    const concealed = run.frames.filter((f) => f.kind === 'concealed').slice(0, 2);
    expect(concealed.map((f) => f.samples[0])).toEqual([222, 111]);
    expect(concealed.every((f) => f.samples.length === 160)).toBe(true);
  });
});

describe('PlayoutStage: before any packet', () => {
  it('emits silence, not underruns', () => {
    const stage = new PlayoutStage(new PcmuDecoder());
    for (let t = 0; t < 100; t += 20) {
      const frame = stage.tick(t);
      expect(frame.kind).toBe('silence');
      expect(frame.sampleCount).toBe(160);
    }
    expect(stage.stats.underruns).toBe(0);
    expect(stage.stats.silenceFrames).toBe(5);
  });

  it('pads a short payload to a whole frame', () => {
    const stage = new PlayoutStage(new PcmuDecoder());
    const packet = new MediaPacket(160);
    packet.sequenceNumber = 1;
    packet.payload.fill(0x00, 0, 80);
    packet.length = 80;
    stage.push(packet, 0);
    const frame = stage.tick(0);
    expect(frame.kind).toBe('speech');
    expect(frame.sampleCount).toBe(160);
    expect(frame.samples.subarray(80).every((s) => s === 0)).toBe(true);
    expect(frame.samples[0]).not.toBe(0);
  });

  it('rejects settings that cannot work', () => {
    expect(() => new PlayoutStage(new PcmuDecoder(), { concealFrames: 1 })).toThrow(RangeError);
    expect(() => new PlayoutStage(new PcmuDecoder(), { overflowMs: 10 })).toThrow(RangeError);
  });
});

describe('PlayoutStage: undecodable packets', () => {
  it('conceals a packet the codec refuses, counts it, and plays on', () => {
    const payloads = pcmuStream(50);
    const pcmu = new PcmuDecoder();
    let decodes = 0;
    // The 21st packet played is the corrupt one.
    const picky: AudioDecoder = {
      sampleRate: 8000,
      decode: (payload, length, out) => {
        if (++decodes === 21) throw new Error('corrupt packet');
        return pcmu.decode(payload, length, out);
      },
      close: () => pcmu.close(),
    };
    const trace = packetTrace(payloads, { startMs: 5 });
    const run = simulate(trace, { decoder: picky, endMs: trace.at(-1)!.arrivalMs + 19 });
    expect(run.stats.decodeErrors).toBe(1);
    const sequence = run.frames.filter((f) => f.kind !== 'silence').map((f) => (f.kind === 'speech' ? f.sequenceNumber : 'C'));
    expect(sequence.indexOf('C')).toBe(20);
    expect(sequence.filter((entry) => entry === 'C')).toHaveLength(1);
    expect(speechRun(run.frames)).toHaveLength(49);
    expect(accountedPackets(run.stats, 0)).toBe(50);
  });
});

describe('PlayoutStage: a backlog drains to the target, not to the edge of the band', () => {
  // Continuous speech (no quiet frame to drop) and a fixed 60 ms target, so only shortening speech
  // can take a 300 ms stall's backlog away.
  const payloads = pcmuStream(3000, () => true);
  const stallEnd = 3 + 1540 * 20;
  const trace = packetTrace(payloads, { startMs: 3, delayMs: (i) => (i >= 1525 && i < 1540 ? stallEnd - (3 + i * 20) : 0) });
  const fixedTarget = { minTargetMs: 60, maxTargetMs: 60, initialTargetMs: 60, overflowMs: 400 };
  /** Median delay from arrival to playout of the packets with sequence numbers in [from, to). */
  const medianDelay = (run: ReturnType<typeof simulate>, from: number, to: number): number => {
    const delays: number[] = [];
    for (const frame of run.frames) {
      frame.played.forEach((sequence, k) => {
        if (sequence >= from && sequence < to) delays.push(frame.tickMs + frame.playedOffsetsMs[k]! - trace[sequence - 1]!.arrivalMs);
      });
    }
    return delays.sort((a, b) => a - b)[delays.length >> 1]!;
  };

  it('goes on shortening speech once started until the delay is within accelerateDownToMs of the target', () => {
    const drained = simulate(trace, { playout: fixedTarget });
    const toBandEdge = simulate(trace, { playout: { ...fixedTarget, timeStretch: { accelerateDownToMs: 20 } } });
    const before = medianDelay(drained, 1300, 1500);
    expect(medianDelay(toBandEdge, 1300, 1500)).toBe(before);
    // Two seconds after the burst: back where it was, against a frame's worth above it before.
    expect(medianDelay(drained, 1700, 1800)).toBeLessThanOrEqual(before + 5);
    expect(medianDelay(toBandEdge, 1700, 1800)).toBeGreaterThanOrEqual(before + 10);
    // The stall itself is concealed alike; nothing else is lost on the way down.
    expect(drained.stats.concealedFrames).toBe(toBandEdge.stats.concealedFrames);
    for (const run of [drained, toBandEdge]) expect(run.stats.late + run.stats.lost + run.stats.overflowDropped).toBe(0);
  });
});

describe('PlayoutStage: time-stretching at 48 kHz', () => {
  it('drains a stall backlog mid-speech with whole 960-sample frames and no jump', () => {
    const rate = 48_000;
    const frameSamples = 960;
    const encoder = new L16Encoder({ sampleRate: rate });
    const pcm = new Int16Array(frameSamples);
    const payloads: Uint8Array[] = [];
    for (let frame = 0; frame < 600; frame++) {
      for (let i = 0; i < frameSamples; i++) {
        const w = (2 * Math.PI * 150 * (frame * frameSamples + i)) / rate;
        pcm[i] = Math.round(6000 * Math.sin(w) + 2000 * Math.sin(2 * w + 0.3));
      }
      const payload = new Uint8Array(2 * frameSamples);
      encoder.encode(pcm, 0, frameSamples, payload);
      payloads.push(payload);
    }
    const stallEnd = 3 + 215 * 20;
    const trace = packetTrace(payloads, { startMs: 3, delayMs: (i) => (i >= 200 && i < 215 ? stallEnd - (3 + i * 20) : 0) });
    const run = simulate(trace, { decoder: new L16Decoder({ sampleRate: rate }) });
    expect(run.stats.acceleratedMs).toBeGreaterThan(100);
    expect(run.stats.late + run.stats.lost + run.stats.overflowDropped + run.stats.driftDropped).toBe(0);
    for (const frame of run.frames) expect(frame.samples).toHaveLength(frameSamples);
    // From the burst on (every frame speech, stretched or not), across frame boundaries too.
    const output = Int16Array.from(run.frames.filter((f) => f.tickMs > stallEnd + 20 && f.tickMs < 11_000).flatMap((f) => [...f.samples]));
    let largest = 0;
    for (let s = 1; s < output.length; s++) largest = Math.max(largest, Math.abs(output[s]! - output[s - 1]!));
    // The tone's own steps stay below 6000·2π·150/48000 + 2000·2π·300/48000 ≈ 196.
    expect(largest).toBeLessThanOrEqual(200);
  });
});

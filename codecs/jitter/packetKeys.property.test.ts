import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { PacketKeys } from './packetKeys.js';
import { SERIAL16, SERIAL32 } from './serial.js';
import { PAIRS_TO_TRUST } from './timestampStep.js';

/** Frames at the start sent cleanly and in order, so the step is trusted before any skip is keyed. */
const LEAD_IN = PAIRS_TO_TRUST + 2;
const MAX_SKIPPED_FRAMES = 16;

/** What happens around one frame the sender did send, on its way to us. */
const fate = fc.record({
  /** Frames the sender skipped just before it: the timestamp jumps, the sequence number does not. */
  senderSkipped: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  /** Frames lost between the sender and us just before it: both counters jump. */
  lostBefore: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  /** Control frames (dtmf, mark) that took a sequence number just before it, and whether the keys were told. */
  controlsBefore: fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
  withControls: fc.integer({ min: 0, max: 9 }).map((n) => n === 9),
  delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
  copies: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  copyDelayMs: fc.integer({ min: 0, max: 100 }),
  timestampAbsent: fc.integer({ min: 0, max: 19 }).map((n) => n === 19),
});

const scenario = fc.record({
  fates: fc.array(fate, { minLength: LEAD_IN, maxLength: 160 }),
  firstSequence: fc.oneof(fc.constant(1), fc.constant(SERIAL32 - 30), fc.constant(SERIAL16 - 30), fc.nat({ max: SERIAL32 - 1 })),
  /** The sequence number wraps at 2^16 (RTP) instead of 2^32. */
  sixteenBitSequence: fc.boolean(),
  /** Ordered by chunk (no `sequence_number`): chunks count media frames only. */
  orderedByChunk: fc.boolean(),
  firstTimestamp: fc.oneof(fc.constant(0), fc.constant(SERIAL32 - 2000), fc.nat({ max: SERIAL32 - 1 })),
  step: fc.constantFrom(20, 160, 320, 960),
  /** Some frames carry no timestamp. */
  someAbsent: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** One delivered frame: its send index, media-time slot and counters. */
interface Frame {
  readonly index: number;
  readonly slot: number;
  readonly sequenceNumber: number;
  readonly chunk: number;
  readonly timestamp: number;
}

/** A media frame, or a control frame's sequence number noted just before the frame it preceded (`beforeFrame`, a send index). */
type Arrival = { readonly atMs: number; readonly order: number } & ({ readonly frame: Frame } | { readonly control: number; readonly beforeFrame: number });

/**
 * The frames we receive and the control frames noted, in arrival order (ties in sending order), and
 * how many sequence numbers control frames used without the keys being told.
 */
function deliveries(s: Scenario): { frames: Frame[]; arrivals: Arrival[]; unnotedControls: number } {
  const frames: Frame[] = [];
  const arrivals: Arrival[] = [];
  let unnotedControls = 0;
  const sequenceModulus = s.sixteenBitSequence ? SERIAL16 : SERIAL32;
  let slot = 0;
  let sequence = s.firstSequence % sequenceModulus;
  let chunk = 1;
  let order = 0;
  s.fates.forEach((f, index) => {
    const clean = index < LEAD_IN;
    if (!clean) {
      slot += f.senderSkipped + f.lostBefore;
      sequence += f.lostBefore;
      chunk += f.lostBefore;
    }
    const sentMs = slot * 20;
    const arrivalMs = clean ? sentMs : sentMs + f.delayMs;
    if (!clean && f.withControls) {
      for (const noted of f.controlsBefore) {
        if (!s.orderedByChunk && noted) arrivals.push({ atMs: arrivalMs, order: order++, control: sequence % sequenceModulus, beforeFrame: index });
        else if (!s.orderedByChunk) unnotedControls++;
        sequence++;
      }
    }
    const absent = s.someAbsent && !clean && f.timestampAbsent;
    const frame: Frame = {
      index,
      slot,
      sequenceNumber: s.orderedByChunk ? -1 : sequence % sequenceModulus,
      chunk: chunk % SERIAL32,
      timestamp: absent ? -1 : (s.firstTimestamp + slot * s.step) % SERIAL32,
    };
    frames.push(frame);
    arrivals.push({ atMs: arrivalMs, order: order++, frame });
    for (let copy = 1; copy <= f.copies; copy++) arrivals.push({ atMs: arrivalMs + f.copyDelayMs, order: order++, frame });
    slot++;
    sequence++;
    chunk++;
  });
  arrivals.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  return { frames, arrivals, unnotedControls };
}

/**
 * Every key each frame got, by send index, pushing through one reused packet as the parser does, and
 * how many control frames were noted too late to count (after a later media frame was keyed).
 */
function keyAll(arrivals: readonly Arrival[], frameCount: number): { keysByFrame: number[][]; keys: PacketKeys; lateControls: number } {
  const keys = new PacketKeys(20, MAX_SKIPPED_FRAMES);
  const packet = new MediaPacket(1);
  const keysByFrame: number[][] = Array.from({ length: frameCount }, () => []);
  let lateControls = 0;
  let latestKeyed = -1;
  for (const arrival of arrivals) {
    if ('control' in arrival) {
      if (latestKeyed >= arrival.beforeFrame) lateControls++;
      keys.noteControl(arrival.control);
      continue;
    }
    const { frame } = arrival;
    if (frame.index > latestKeyed) latestKeyed = frame.index;
    packet.sequenceNumber = frame.sequenceNumber;
    packet.chunk = frame.chunk;
    packet.timestamp = frame.timestamp;
    keysByFrame[frame.index]!.push(keys.keyOf(packet));
  }
  return { keysByFrame, keys, lateControls };
}

describe('PacketKeys properties', () => {
  it('for any mix of skips of either counter, losses, copies, reorders, wraps and absent timestamps: distinct frames get distinct keys in send order, copies their original key, and a consistent timestamp gives every frame its media-time offset', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { frames, arrivals, unnotedControls } = deliveries(s);
        const { keysByFrame, keys, lateControls } = keyAll(arrivals, frames.length);
        const firstKeys = keysByFrame.map((k) => k[0]!);

        for (const frameKeys of keysByFrame) {
          expect(frameKeys.every((key) => Number.isInteger(key))).toBe(true);
          // A copy is recognised: it gets the key its original got.
          expect(new Set(frameKeys).size).toBe(1);
        }
        // Send order is key order, hence every distinct frame has a key of its own. The one exception:
        // a frame without a timestamp is placed by its sequence number, which may count control frames
        // the keys were not told about (in time); a frame next to it may then find no key free and be
        // taken for a copy.
        const exact = !s.someAbsent || unnotedControls + lateControls === 0;
        for (let i = 1; i < firstKeys.length; i++) {
          if (exact) expect(firstKeys[i]).toBeGreaterThan(firstKeys[i - 1]!);
          else expect(firstKeys[i]).toBeGreaterThanOrEqual(firstKeys[i - 1]!);
        }

        if (!s.someAbsent) {
          expect(keys.timestampStep).toBe(s.step);
          for (const frame of frames) expect(firstKeys[frame.index]! - firstKeys[0]!).toBe(frame.slot - frames[0]!.slot);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keys as the sequence number alone does when the timestamp is absent, stands still or runs backwards', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom<'absent' | 'constant' | 'backwards'>('absent', 'constant', 'backwards'), (s, kind) => {
        const { frames, arrivals } = deliveries({ ...s, someAbsent: false });
        const bySequence = arrivals.map((arrival) => ('frame' in arrival ? { ...arrival, frame: { ...arrival.frame, timestamp: -1 } } : arrival));
        const broken = arrivals.map((arrival) => {
          if (!('frame' in arrival)) return arrival;
          const timestamp = kind === 'absent' ? -1 : kind === 'constant' ? s.firstTimestamp : (s.firstTimestamp + SERIAL32 - arrival.frame.index * s.step) % SERIAL32;
          return { ...arrival, frame: { ...arrival.frame, timestamp } };
        });
        const { keysByFrame, keys } = keyAll(broken, frames.length);
        expect(keysByFrame).toEqual(keyAll(bySequence, frames.length).keysByFrame);
        expect(keys.timestampStep).toBeNaN();
      }),
      { numRuns: 150 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { ReorderStage, type ReorderOptions } from './reorderStage.js';
import { SERIAL32 } from './serial.js';

/** The parser's single reused packet; every push overwrites its payload. */
class Feeder {
  readonly packet = new MediaPacket(64);
  constructor(readonly stage: ReorderStage) {}

  push(sequenceNumber: number, bytes: readonly number[] = [sequenceNumber & 0xff], arrivalMs = 0, chunk = -1) {
    const packet = this.packet;
    packet.sequenceNumber = sequenceNumber;
    packet.chunk = chunk;
    packet.timestamp = -1;
    packet.payload.fill(0xee);
    for (let i = 0; i < bytes.length; i++) packet.payload[i] = bytes[i]!;
    packet.length = bytes.length;
    return this.stage.push(packet, arrivalMs);
  }

  /** Sequence numbers released by repeated pop() calls at `nowMs`. */
  drain(nowMs = 0, maxWaitMs = 60): number[] {
    const out: number[] = [];
    for (let p = this.stage.pop(nowMs, maxWaitMs); p !== undefined; p = this.stage.pop(nowMs, maxWaitMs)) out.push(p.sequenceNumber);
    return out;
  }
}

function feeder(options: ReorderOptions = {}): Feeder {
  return new Feeder(new ReorderStage({ capacity: 8, ...options }));
}

describe('ReorderStage', () => {
  it('copies each payload byte for byte, so the parser may reuse its buffer', () => {
    const f = feeder();
    f.push(1, [0x7f, 0x00, 0xff]);
    f.push(2, [0x12, 0x34]);
    f.packet.payload.fill(0); // the parser moves on
    const first = f.stage.release();
    expect([...first.payload.subarray(0, first.length)]).toEqual([0x7f, 0x00, 0xff]);
    const second = f.stage.release();
    expect([...second.payload.subarray(0, second.length)]).toEqual([0x12, 0x34]);
    expect(second.sequenceNumber).toBe(2);
  });

  it('adds no delay in order: each packet pops as soon as it is pushed', () => {
    const f = feeder();
    for (let seq = 1; seq <= 20; seq++) {
      expect(f.push(seq)).toBe('accepted');
      expect(f.drain()).toEqual([seq]);
    }
    expect(f.stage.stats.reordered).toBe(0);
  });

  it('holds packets after a gap and releases them in order when the gap fills', () => {
    const f = feeder();
    f.push(1);
    expect(f.drain()).toEqual([1]);
    f.push(3);
    f.push(4);
    expect(f.drain()).toEqual([]);
    f.push(2);
    expect(f.drain()).toEqual([2, 3, 4]);
    expect(f.stage.stats.reordered).toBe(1);
    expect(f.stage.stats.lost).toBe(0);
  });

  it('gives up on a gap once the earliest held packet has waited maxWaitMs', () => {
    const f = feeder();
    f.push(1, [1], 0);
    f.drain(0);
    f.push(3, [3], 20);
    expect(f.drain(59, 40)).toEqual([]);
    f.push(4, [4], 60);
    expect(f.drain(60, 40)).toEqual([3, 4]);
    expect(f.stage.stats.lost).toBe(1);
    expect(f.push(2, [2], 61)).toBe('late');
  });

  it('drops and counts duplicates, whether still buffered or already released', () => {
    const f = feeder();
    f.push(1);
    f.push(3);
    expect(f.push(3)).toBe('duplicate');
    f.drain();
    expect(f.push(1)).toBe('duplicate');
    expect(f.stage.stats.duplicates).toBe(2);
    expect(f.stage.bufferedCount).toBe(1);
  });

  it('lets the first packets arrive out of order before anything is released', () => {
    const f = feeder();
    f.push(5);
    f.push(3);
    f.push(4);
    expect(f.drain()).toEqual([3, 4, 5]);
    expect(f.stage.stats.late).toBe(0);
  });

  it('treats 100 or more frames behind as a restart and re-bases on it', () => {
    const f = feeder();
    for (let seq = 500; seq < 503; seq++) f.push(seq);
    f.drain();
    f.push(503);
    expect(f.push(403)).toBe('reset');
    expect(f.stage.stats.resets).toBe(1);
    expect(f.stage.stats.resetDropped).toBe(1);
    f.push(404);
    expect(f.drain()).toEqual([403, 404]);
    expect(f.push(402)).toBe('late');
  });

  it('treats 3000 or more frames ahead as a discontinuity that resets', () => {
    const f = feeder();
    f.push(1);
    f.push(2);
    expect(f.push(3002)).toBe('reset');
    expect(f.drain()).toEqual([3002]);
  });

  it('moves forward instead of waiting when a packet is beyond the ring, evicting the oldest', () => {
    const f = feeder(); // capacity 8
    f.push(1);
    f.drain();
    f.push(3);
    f.push(4);
    expect(f.push(12)).toBe('accepted'); // needs next ≥ 5: 2, 3 and 4 fall out
    expect(f.stage.stats.evicted).toBe(2);
    expect(f.stage.stats.lost).toBe(1);
    expect(f.stage.nextKey).toBe(4); // keys count from the first packet: key 4 is sequence 5
    expect(f.push(4)).toBe('late');
  });

  it('orders across the 2^32 wrap of sequence_number without a reset', () => {
    const f = feeder();
    const order = [SERIAL32 - 3, SERIAL32 - 1, SERIAL32 - 2, 0, 2, 1, 3];
    const popped: number[] = [];
    for (const seq of order) {
      expect(f.push(seq)).toBe('accepted');
      popped.push(...f.drain());
    }
    expect(popped).toEqual([SERIAL32 - 3, SERIAL32 - 2, SERIAL32 - 1, 0, 1, 2, 3]);
    expect(f.stage.stats.resets).toBe(0);
  });

  it('orders by chunk across its 16-bit wrap when sequence_number is absent', () => {
    const f = feeder();
    const chunks = [65534, 0, 65535, 1];
    const popped: number[] = [];
    for (const chunk of chunks) {
      expect(f.push(-1, [chunk & 0xff], 0, chunk)).toBe('accepted');
      for (let p = f.stage.pop(0, 60); p !== undefined; p = f.stage.pop(0, 60)) popped.push(p.chunk);
    }
    expect(popped).toEqual([65534, 65535, 0, 1]);
    expect(f.stage.stats.resets).toBe(0);
  });

  it('grows its slots for a payload larger than they are and keeps buffered bytes', () => {
    const f = feeder({ slotBytes: 2 });
    f.push(1, [9, 8]);
    f.push(2, [1, 2, 3, 4, 5]);
    const first = f.stage.release();
    expect([...first.payload.subarray(0, first.length)]).toEqual([9, 8]);
    const second = f.stage.release();
    expect([...second.payload.subarray(0, second.length)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('holds payload buffers for the most packets it held at once, not for the whole ring', () => {
    const f = feeder({ capacity: 32 });
    for (let seq = 1; seq <= 100; seq++) {
      f.push(seq);
      f.drain();
    }
    expect(f.stage.pooledPackets).toBe(4);
    // A gap holds five packets back; once it fills, all six go and the pool is reused after.
    for (let seq = 102; seq <= 106; seq++) f.push(seq);
    f.push(101);
    expect(f.drain()).toEqual([101, 102, 103, 104, 105, 106]);
    expect(f.stage.pooledPackets).toBe(8);
    for (let seq = 107; seq <= 200; seq++) {
      f.push(seq);
      expect(f.drain()).toEqual([seq]);
    }
    f.stage.clear();
    for (let seq = 1; seq <= 6; seq++) f.push(seq);
    expect(f.stage.pooledPackets).toBe(8);
  });

  it('keeps a released packet readable until the next push, and duplicates of it recognised after', () => {
    const f = feeder();
    f.push(1, [0x11, 0x22]);
    const released = f.stage.release();
    expect(f.stage.peek(1)).toBeUndefined();
    expect([released.sequenceNumber, ...released.payload.subarray(0, released.length)]).toEqual([1, 0x11, 0x22]);
    expect(f.push(1, [0x11, 0x22])).toBe('duplicate');
    f.push(2, [0x33]);
    const next = f.stage.release();
    expect([next.sequenceNumber, ...next.payload.subarray(0, next.length)]).toEqual([2, 0x33]);
  });

  it('places packets without the stream key in arrival order and counts them', () => {
    const f = feeder();
    f.push(7);
    f.push(-1, [0xaa]);
    expect(f.drain().length).toBe(2);
    expect(f.stage.stats.unkeyed).toBe(1);
  });

  it('throws when releasing a head that has not arrived', () => {
    const f = feeder();
    f.push(1);
    f.stage.release();
    expect(() => f.stage.release()).toThrow(/not arrived/);
  });

  it('rejects nonsensical sizes', () => {
    expect(() => new ReorderStage({ capacity: 0 })).toThrow(RangeError);
    expect(() => new ReorderStage({ capacity: 64, resetAhead: 64 })).toThrow(RangeError);
  });
});

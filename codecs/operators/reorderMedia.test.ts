import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/clock.js';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { ReorderStage } from '../jitter/reorderStage.js';
import { reorderMedia } from './reorderMedia.js';

function harness(maxWaitMs?: number) {
  const clock = new ManualClock(1000);
  const packets = new Subject<MediaPacket>();
  const packet = new MediaPacket(16);
  const emitted: { sequenceNumber: number; at: number; firstByte: number }[] = [];
  let completed = false;
  let failure: unknown;
  packets.pipe(reorderMedia(new ReorderStage(), clock, maxWaitMs)).subscribe({
    next: (p) => emitted.push({ sequenceNumber: p.sequenceNumber, at: clock.now(), firstByte: p.payload[0]! }),
    complete: () => (completed = true),
    error: (error: unknown) => (failure = error),
  });
  const send = (sequenceNumber: number) => {
    packet.sequenceNumber = sequenceNumber;
    packet.payload[0] = sequenceNumber & 0xff;
    packet.length = 1;
    packets.next(packet);
  };
  return { clock, packets, send, emitted, completed: () => completed, failure: () => failure };
}

describe('reorderMedia', () => {
  it('passes in-order packets straight through, at their arrival time', () => {
    const h = harness();
    for (let seq = 1; seq <= 5; seq++) {
      h.send(seq);
      h.clock.advance(20);
    }
    expect(h.emitted.map((e) => [e.sequenceNumber, e.at, e.firstByte])).toEqual([
      [1, 1000, 1],
      [2, 1020, 2],
      [3, 1040, 3],
      [4, 1060, 4],
      [5, 1080, 5],
    ]);
  });

  it('holds packets behind a gap until it fills, or until the wait runs out at a later arrival', () => {
    const h = harness(40);
    h.send(1);
    h.clock.advance(20);
    h.send(3);
    h.clock.advance(10);
    h.send(2);
    expect(h.emitted.map((e) => e.sequenceNumber)).toEqual([1, 2, 3]);
    h.clock.advance(10);
    h.send(5);
    h.clock.advance(20);
    h.send(6);
    expect(h.emitted.map((e) => e.sequenceNumber)).toEqual([1, 2, 3]);
    h.clock.advance(20);
    h.send(7);
    expect(h.emitted.map((e) => e.sequenceNumber)).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('forwards completion and errors', () => {
    const done = harness();
    done.packets.complete();
    expect(done.completed()).toBe(true);
    const failed = harness();
    failed.packets.error(new Error('socket'));
    expect(failed.failure()).toBeInstanceOf(Error);
  });
});

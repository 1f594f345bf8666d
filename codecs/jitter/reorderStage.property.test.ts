import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { ReorderStage } from './reorderStage.js';

/** Payload of packet `sequence`: its length and bytes follow from the number, so any mix-up shows. */
function fill(packet: MediaPacket, sequence: number): void {
  packet.sequenceNumber = sequence;
  packet.chunk = -1;
  packet.timestamp = -1;
  packet.length = 1 + (sequence % 7) * 40;
  for (let i = 0; i < packet.length; i++) packet.payload[i] = (sequence * 31 + i) & 0xff;
}

function holds(packet: { readonly sequenceNumber: number; readonly payload: Uint8Array; readonly length: number }, sequence: number): boolean {
  if (packet.sequenceNumber !== sequence || packet.length !== 1 + (sequence % 7) * 40) return false;
  for (let i = 0; i < packet.length; i++) if (packet.payload[i] !== ((sequence * 31 + i) & 0xff)) return false;
  return true;
}

const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('push' as const), ahead: fc.integer({ min: -4, max: 40 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('pop' as const), waitMs: fc.integer({ min: 0, max: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
);

describe('ReorderStage: pooled packet buffers', () => {
  it('never hands out or holds a packet whose bytes are another packet’s, and pools no more buffers than it held at once', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const stage = new ReorderStage({ capacity: 16, slotBytes: 40 });
        const packet = new MediaPacket(320);
        let highest = 100;
        let mostHeld = 0;
        let nowMs = 0;
        for (const s of steps) {
          nowMs += 20;
          if (s.op === 'push') {
            const sequence = Math.max(1, highest + s.ahead);
            if (sequence > highest) highest = sequence;
            fill(packet, sequence);
            stage.push(packet, nowMs);
            // The parser reuses its buffer: nothing may still point into it.
            packet.payload.fill(0xee);
          } else if (s.op === 'pop') {
            for (let released = stage.pop(nowMs, s.waitMs); released !== undefined; released = stage.pop(nowMs, s.waitMs)) {
              expect(holds(released, released.sequenceNumber)).toBe(true);
            }
          } else {
            stage.clear();
            highest = 100;
          }
          if (stage.bufferedCount > mostHeld) mostHeld = stage.bufferedCount;
          // Every packet still buffered is intact, in its own buffer, under its own key.
          const seen = new Set<object>();
          for (let key = stage.nextKey; key < stage.nextKey + stage.capacity; key++) {
            const held = stage.peek(key);
            if (held === undefined) continue;
            expect(held.key).toBe(key);
            expect(holds(held, held.sequenceNumber)).toBe(true);
            expect(seen.has(held)).toBe(false);
            seen.add(held);
          }
        }
        // The pool grows four at a time, and one more buffer than held at once may be in hand.
        expect(stage.pooledPackets).toBeLessThanOrEqual(4 * Math.ceil((mostHeld + 1) / 4));
      }),
    );
  });
});

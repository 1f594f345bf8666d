import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { OutboundQueue } from './outboundQueue.js';

type Op = { kind: 'write'; samples: number[] } | { kind: 'read'; count: number } | { kind: 'mark' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), samples: fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 700 }) }),
  fc.record({ kind: fc.constant('read' as const), count: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ kind: fc.constant('mark' as const) }),
);

describe('OutboundQueue', () => {
  test.prop([fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 64 })])(
    'is a FIFO of samples whose marks fall due exactly when the audio before them has been read',
    (ops, initialSamples) => {
      const queue = new OutboundQueue({ initialSamples, maxSamples: 1_000_000 });
      const model: number[] = [];
      const markPositions: number[] = [];
      let written = 0;
      let read = 0;
      let marksTaken = 0;
      for (const step of ops) {
        if (step.kind === 'write') {
          expect(queue.write(Int16Array.from(step.samples))).toBe(step.samples.length);
          model.push(...step.samples);
          written += step.samples.length;
        } else if (step.kind === 'mark') {
          queue.mark(`m${markPositions.length}`);
          markPositions.push(written);
        } else {
          const out = new Int16Array(step.count);
          const n = queue.read(out, step.count);
          const expected = model.splice(0, step.count);
          expect(n).toBe(expected.length);
          expect(Array.from(out.subarray(0, n))).toEqual(expected);
          read += n;
          for (let name = queue.takeDueMark(); name !== undefined; name = queue.takeDueMark()) {
            expect(name).toBe(`m${marksTaken}`);
            expect(markPositions[marksTaken]).toBeLessThanOrEqual(read);
            marksTaken++;
          }
          // Every mark not yet taken lies beyond what has been read.
          for (let i = marksTaken; i < markPositions.length; i++) expect(markPositions[i]).toBeGreaterThan(read);
        }
        expect(queue.queuedSamples).toBe(model.length);
      }
    },
  );

  it('refuses samples beyond maxSamples and says how many it took', () => {
    const queue = new OutboundQueue({ initialSamples: 4, maxSamples: 10 });
    expect(queue.write(new Int16Array(8))).toBe(8);
    expect(queue.write(new Int16Array(8))).toBe(2);
    expect(queue.write(new Int16Array(1))).toBe(0);
    expect(queue.queuedSamples).toBe(10);
  });

  it('clear drops audio and marks and reports what it dropped', () => {
    const queue = new OutboundQueue({ initialSamples: 16, maxSamples: 1000 });
    queue.write(new Int16Array(100));
    queue.mark('a');
    queue.write(new Int16Array(50));
    queue.mark('b');
    const out = new Int16Array(40);
    queue.read(out, 40);
    expect(queue.clear()).toEqual({ droppedSamples: 110, droppedMarks: ['a', 'b'] });
    expect(queue.queuedSamples).toBe(0);
    expect(queue.takeDueMark()).toBeUndefined();
    // Marks placed after a clear are due as soon as the audio after them is read.
    queue.mark('c');
    expect(queue.takeDueMark()).toBe('c');
  });
});

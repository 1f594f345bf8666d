import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { DTMF_HOLD_MS, DtmfOrdering } from './dtmfOrdering.js';
import type { DtmfFrame } from './telnyx/frames.js';

const press = (digit: string, sequenceNumber?: number, occurredAt?: string): DtmfFrame => ({ event: 'dtmf', digit, sequenceNumber, occurredAt });

function ordering() {
  const clock = new ManualClock();
  const heard: string[] = [];
  return { clock, heard, dtmf: new DtmfOrdering(clock, (digit) => heard.push(digit)) };
}

describe('DtmfOrdering', () => {
  it('hands presses on in Telnyx order after a short hold, not in arrival order', () => {
    const { clock, heard, dtmf } = ordering();
    dtmf.accept(press('2', 41));
    clock.advance(30);
    dtmf.accept(press('1', 37)); // pressed first, arrived second
    expect(heard).toEqual([]);
    clock.advance(DTMF_HOLD_MS);
    expect(heard).toEqual(['1', '2']);
  });

  it('orders by occurred_at when there is no sequence number', () => {
    const { clock, heard, dtmf } = ordering();
    dtmf.accept(press('#', undefined, '2026-04-10T14:22:05.900Z'));
    dtmf.accept(press('9', undefined, '2026-04-10T14:22:05.123Z'));
    clock.advance(DTMF_HOLD_MS);
    expect(heard).toEqual(['9', '#']);
  });

  it('drops a repeated frame of the same press', () => {
    const { clock, heard, dtmf } = ordering();
    dtmf.accept(press('5', 12));
    dtmf.accept(press('5', 12));
    clock.advance(DTMF_HOLD_MS);
    dtmf.accept(press('5', 12));
    clock.advance(DTMF_HOLD_MS);
    expect(heard).toEqual(['5']);
    expect(dtmf.stats).toMatchObject({ delivered: 1, duplicates: 2 });
  });

  it('still delivers a press that comes after a later one went on, and counts it late', () => {
    const { clock, heard, dtmf } = ordering();
    dtmf.accept(press('3', 50));
    clock.advance(DTMF_HOLD_MS);
    dtmf.accept(press('2', 40));
    expect(heard).toEqual(['3', '2']);
    expect(dtmf.stats.late).toBe(1);
  });

  it('flushes what it holds when the stream ends, and forgets it when the call is gone', () => {
    const { clock, heard, dtmf } = ordering();
    dtmf.accept(press('8', 3));
    dtmf.accept(press('7', 2));
    dtmf.flush();
    expect(heard).toEqual(['7', '8']);
    dtmf.accept(press('6', 9));
    dtmf.dispose();
    clock.advance(1000);
    expect(heard).toEqual(['7', '8']);
  });

  it('for any arrival order within the hold and any repeats, hands each press on once, in Telnyx order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (numbers, repeats, seed) => {
          const { clock, heard, dtmf } = ordering();
          const digitOf = (n: number) => '0123456789*#ABCD'[n % 16]!;
          const arrivals = [...numbers, ...repeats.map((r) => numbers[r % numbers.length]!)];
          // Shuffle deterministically from the seed.
          let state = seed;
          for (let i = arrivals.length - 1; i > 0; i--) {
            state = (state * 1103515245 + 12345) % 2147483648;
            const j = state % (i + 1);
            [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
          }
          // All arrive within one hold of each other.
          for (const n of arrivals) {
            dtmf.accept(press(digitOf(n), n));
            clock.advance(DTMF_HOLD_MS / (arrivals.length + 1));
          }
          clock.advance(DTMF_HOLD_MS);
          expect(heard).toEqual([...numbers].sort((a, b) => a - b).map(digitOf));
          expect(dtmf.stats.duplicates).toBe(repeats.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

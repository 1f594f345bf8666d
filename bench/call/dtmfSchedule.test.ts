import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtmfScheduleError, parseDtmfSchedule } from './dtmfSchedule.js';

describe('parseDtmfSchedule', () => {
  it('reads keys with second and millisecond times, sorted by time', () => {
    expect(parseDtmfSchedule('#@9s, 1@3s,2@1500ms,a@0.25s')).toEqual([
      { digit: 'A', atMs: 250 },
      { digit: '2', atMs: 1500 },
      { digit: '1', atMs: 3000 },
      { digit: '#', atMs: 9000 },
    ]);
    expect(parseDtmfSchedule('')).toEqual([]);
  });

  it('names the entry it cannot read', () => {
    expect(() => parseDtmfSchedule('1@3s,x@2s')).toThrow(DtmfScheduleError);
    expect(() => parseDtmfSchedule('1@3s,x@2s')).toThrow(/"x@2s"/);
    expect(() => parseDtmfSchedule('1@3')).toThrow(/KEY@TIME/);
    expect(() => parseDtmfSchedule('12@3s')).toThrow(DtmfScheduleError);
  });

  it('gives back any well-formed schedule it is shown, and never throws anything but its own error', () => {
    const key = fc.constantFrom(...'0123456789*#ABCD'.split(''));
    fc.assert(
      fc.property(fc.array(fc.record({ digit: key, atMs: fc.integer({ min: 0, max: 600_000 }) })), (keys) => {
        const parsed = parseDtmfSchedule(keys.map((entry) => `${entry.digit}@${entry.atMs}ms`).join(','));
        expect(parsed).toEqual([...keys].sort((a, b) => a.atMs - b.atMs));
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseDtmfSchedule(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DtmfScheduleError);
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recentIds.js';

describe('RecentIds', () => {
  it('reports a redelivered id once seen, and a new id as new', () => {
    const ids = new RecentIds({ capacity: 10, ttlMs: 60_000 });
    expect(ids.check('a', 0)).toBe(false);
    expect(ids.check('a', 1_000)).toBe(true);
    expect(ids.check('b', 1_000)).toBe(false);
    expect(ids.check('a', 2_000)).toBe(true);
  });

  it('forgets ids after the TTL', () => {
    const ids = new RecentIds({ capacity: 10, ttlMs: 60_000 });
    ids.check('a', 0);
    expect(ids.check('a', 59_999)).toBe(true);
    expect(ids.check('a', 60_000)).toBe(false);
  });

  it('forgets an id on request', () => {
    const ids = new RecentIds({ capacity: 10, ttlMs: 60_000 });
    ids.check('a', 0);
    ids.forget('a');
    expect(ids.check('a', 1)).toBe(false);
  });

  it('never holds more than its capacity, dropping the oldest first', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (stream, capacity) => {
        const ids = new RecentIds({ capacity, ttlMs: Number.POSITIVE_INFINITY });
        const model: string[] = [];
        for (const id of stream) {
          const expected = model.includes(id);
          expect(ids.check(id, 0)).toBe(expected);
          if (!expected) {
            model.push(id);
            if (model.length > capacity) model.shift();
          }
          expect(ids.size).toBe(model.length);
        }
      }),
    );
  });
});

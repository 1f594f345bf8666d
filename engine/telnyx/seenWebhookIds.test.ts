import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenWebhookIds } from './seenWebhookIds.js';
import { DEFAULT_TOLERANCE_SECONDS } from './webhookSignature.js';

/** The signature tolerance, in ms: a delivery signed at `ts` is accepted until `ts + WINDOW`. */
const WINDOW = DEFAULT_TOLERANCE_SECONDS * 1000;

describe('SeenWebhookIds', () => {
  it('reports a redelivered id as seen, and a new id as new', () => {
    const seen = new SeenWebhookIds();
    expect(seen.check('a', WINDOW, 0)).toBe(false);
    expect(seen.check('a', 1_000 + WINDOW, 1_000)).toBe(true);
    expect(seen.check('b', 1_000 + WINDOW, 1_000)).toBe(false);
    expect(seen.size).toBe(2);
  });

  it('handles a replay of the first of 20,000 distinct events inside the window once', () => {
    const seen = new SeenWebhookIds();
    for (let i = 0; i < 20_000; i++) expect(seen.check(`event-${i}`, i * 10 + WINDOW, i * 10)).toBe(false);
    expect(seen.size).toBe(20_000);
    // 200 s later, still inside the first event's window: its replay is a duplicate.
    expect(seen.check('event-0', WINDOW, 200_000)).toBe(true);
  });

  it('remembers an id until its signature expires, and no longer', () => {
    const seen = new SeenWebhookIds();
    seen.check('a', WINDOW, 0);
    expect(seen.check('a', WINDOW, WINDOW)).toBe(true);
    seen.check('b', WINDOW + 1 + WINDOW, WINDOW + 1);
    expect(seen.size).toBe(1);
    expect(seen.check('a', WINDOW + 1 + WINDOW, WINDOW + 1)).toBe(false);
  });

  it('keeps an id as long as its latest signature: a redelivery signed later extends it', () => {
    const seen = new SeenWebhookIds();
    seen.check('a', WINDOW, 0);
    expect(seen.check('a', 250_000 + WINDOW, 250_000)).toBe(true);
    expect(seen.check('a', 250_000 + WINDOW, 400_000)).toBe(true);
    expect(seen.check('a', 600_000 + WINDOW, 600_000)).toBe(false);
  });

  it('forgets an id on request', () => {
    const seen = new SeenWebhookIds();
    seen.check('a', WINDOW, 0);
    seen.forget('a');
    expect(seen.check('a', WINDOW, 1)).toBe(false);
  });

  it('does not grow past the window under a steady stream, and empties once the stream stops', () => {
    const seen = new SeenWebhookIds();
    const perSecond = 50;
    let largest = 0;
    let id = 0;
    // An hour of events whose signed timestamps lie anywhere inside the accepted ±window.
    for (let second = 0; second < 3_600; second++) {
      for (let k = 0; k < perSecond; k++) {
        const now = second * 1000 + k * 20;
        const signedAt = now + (((id * 7919) % (2 * WINDOW + 1)) - WINDOW);
        seen.check(`e${id++}`, signedAt + WINDOW, now);
        largest = Math.max(largest, seen.size);
      }
    }
    expect(largest).toBeLessThanOrEqual(perSecond * (2 * WINDOW / 1000 + 1));
    expect(largest).toBeGreaterThan(perSecond * (WINDOW / 1000));
    seen.check('last', 3_600_000 + 2 * WINDOW + 1 + WINDOW, 3_600_000 + 2 * WINDOW + 1);
    expect(seen.size).toBe(1);
  });

  it('never handles an id twice while a signature it came with is still accepted, and holds no id past 2 × window since last seen', () => {
    const step = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      advanceMs: fc.integer({ min: 0, max: 200_000 }),
      skewMs: fc.integer({ min: -WINDOW, max: WINDOW }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const seen = new SeenWebhookIds();
        const acceptedUntil = new Map<string, number>();
        const lastSeen = new Map<string, number>();
        let now = 0;
        for (const { id, advanceMs, skewMs } of steps) {
          now += advanceMs;
          const until = now + skewMs + WINDOW;
          const replayable = (acceptedUntil.get(id) ?? -1) >= now;
          const duplicate = seen.check(id, until, now);
          if (replayable) expect(duplicate).toBe(true);
          if (!duplicate) acceptedUntil.set(id, until);
          else acceptedUntil.set(id, Math.max(until, acceptedUntil.get(id)!));
          lastSeen.set(id, now);
          const recent = [...lastSeen.values()].filter((at) => now - at <= 2 * WINDOW).length;
          expect(seen.size).toBeLessThanOrEqual(recent);
        }
      }),
    );
  });
});

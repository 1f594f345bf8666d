import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';
import { ManualClock } from './clock.js';

const LIMITS = { maxCalls: 3, maxEventLoopDelayMs: 20, connectionsPerSecondPerIp: 2 };

describe('Admission', () => {
  it('admits until the call limit, then refuses with capacity', () => {
    const admission = new Admission({ ...LIMITS, connectionsPerSecondPerIp: 100 }, new ManualClock(0));
    expect(admission.admit('a', 0)).toBeUndefined();
    expect(admission.admit('a', 2)).toBeUndefined();
    expect(admission.admit('a', 3)).toBe('capacity');
    expect(admission.unreadyCause(3)).toBe('capacity');
  });

  it('refuses new calls while the event loop is late, and admits again once it recovers', () => {
    const admission = new Admission(LIMITS, new ManualClock(0));
    admission.noteEventLoopDelay(35);
    expect(admission.admit('a', 0)).toBe('overload');
    admission.noteEventLoopDelay(4);
    expect(admission.admit('a', 0)).toBeUndefined();
  });

  it('limits each address to its rate, refilling with time, without touching other addresses', () => {
    const clock = new ManualClock(0);
    const admission = new Admission(LIMITS, clock);
    expect([admission.admit('a', 0), admission.admit('a', 0), admission.admit('a', 0)]).toEqual([undefined, undefined, 'rate_limited']);
    expect(admission.admit('b', 0)).toBeUndefined();
    clock.advance(500);
    expect(admission.admit('a', 0)).toBeUndefined();
    expect(admission.admit('a', 0)).toBe('rate_limited');
  });

  it('refuses everything once draining, and says so on readiness', () => {
    const admission = new Admission(LIMITS, new ManualClock(0));
    admission.drain();
    expect(admission.draining).toBe(true);
    expect(admission.admit('a', 0)).toBe('draining');
    expect(admission.unreadyCause(0)).toBe('draining');
  });
});

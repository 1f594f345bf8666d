import { describe, expect, it } from 'vitest';
import { Admission, DEFAULT_ADMISSION_LIMITS } from './admission.js';
import { ManualClock } from './clock.js';

const LIMITS = { maxCalls: 3, maxEventLoopDelayMs: 20, connectionsPerSecondPerIp: 2, streamsPerSecondPerIp: 0 };

describe('Admission', () => {
  it('admits until the call limit, then refuses with capacity', () => {
    const admission = new Admission({ ...LIMITS, connectionsPerSecondPerIp: 100 }, new ManualClock(0));
    expect(admission.admit('a', 0, 'verified')).toBeUndefined();
    expect(admission.admit('a', 2, 'unverified')).toBeUndefined();
    expect(admission.admit('a', 3, 'verified')).toBe('capacity');
    expect(admission.unreadyCause(3)).toBe('capacity');
  });

  it('refuses new calls while the event loop is late, and admits again once it recovers', () => {
    const admission = new Admission(LIMITS, new ManualClock(0));
    admission.noteEventLoopDelay(35);
    expect(admission.admit('a', 0, 'verified')).toBe('overload');
    admission.noteEventLoopDelay(4);
    expect(admission.admit('a', 0, 'verified')).toBeUndefined();
  });

  it('limits each address to its rate of unverified upgrades, refilling with time, without touching other addresses', () => {
    const clock = new ManualClock(0);
    const admission = new Admission(LIMITS, clock);
    expect([admission.admit('a', 0, 'unverified'), admission.admit('a', 0, 'unverified'), admission.admit('a', 0, 'unverified')]).toEqual([undefined, undefined, 'rate_limited']);
    expect(admission.admit('b', 0, 'unverified')).toBeUndefined();
    clock.advance(500);
    expect(admission.admit('a', 0, 'unverified')).toBeUndefined();
    expect(admission.admit('a', 0, 'unverified')).toBe('rate_limited');
  });

  it('by default lets verified upgrades through whatever the rate, even from an address out of unverified tokens', () => {
    expect(DEFAULT_ADMISSION_LIMITS.streamsPerSecondPerIp).toBe(0);
    const admission = new Admission(LIMITS, new ManualClock(0));
    for (let i = 0; i < 1000; i++) expect(admission.admit('carrier', 0, 'verified')).toBeUndefined();
    expect([admission.admit('carrier', 0, 'unverified'), admission.admit('carrier', 0, 'unverified'), admission.admit('carrier', 0, 'unverified')]).toEqual([undefined, undefined, 'rate_limited']);
    expect(admission.admit('carrier', 0, 'verified')).toBeUndefined();
  });

  it('limits verified upgrades on their own budget when streamsPerSecondPerIp is set', () => {
    const clock = new ManualClock(0);
    const admission = new Admission({ ...LIMITS, streamsPerSecondPerIp: 3 }, clock);
    expect([1, 2, 3, 4].map(() => admission.admit('a', 0, 'verified'))).toEqual([undefined, undefined, undefined, 'rate_limited']);
    expect(admission.admit('a', 0, 'unverified')).toBeUndefined();
    clock.advance(1000);
    expect(admission.admit('a', 0, 'verified')).toBeUndefined();
  });

  it('refuses everything once draining, and says so on readiness', () => {
    const admission = new Admission(LIMITS, new ManualClock(0));
    admission.drain();
    expect(admission.draining).toBe(true);
    expect(admission.admit('a', 0, 'verified')).toBe('draining');
    expect(admission.unreadyCause(0)).toBe('draining');
  });
});

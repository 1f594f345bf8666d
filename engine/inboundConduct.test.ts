import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { CONDUCT_WINDOW_MS, InboundConduct } from './inboundConduct.js';

const LIMITS = { messagesPerSecond: 50, burst: 10, rejectedFramesPerWindow: 3, messagesBeforeStart: 2 };

describe('InboundConduct', () => {
  it('lets the burst through at once, then the sustained rate', () => {
    const clock = new ManualClock(0);
    const conduct = new InboundConduct(clock, LIMITS);
    const taken = Array.from({ length: 12 }, () => conduct.takeMessage());
    expect(taken.filter(Boolean).length).toBe(10);
    clock.advance(20);
    expect(conduct.takeMessage()).toBe(true);
    expect(conduct.takeMessage()).toBe(false);
  });

  it('judges a stream that runs past the burst over the rate, but not a backlog within it', () => {
    const conduct = new InboundConduct(new ManualClock(0), LIMITS);
    for (let i = 0; i < 10; i++) expect(conduct.noteRejected(true)).toBeUndefined();
    expect(conduct.noteRejected(true)).toBe('over_rate');
  });

  it('judges a stream by its rejected frames per window, starting afresh each window', () => {
    const clock = new ManualClock(0);
    const conduct = new InboundConduct(clock, LIMITS);
    for (let i = 0; i < 3; i++) expect(conduct.noteRejected(false)).toBeUndefined();
    clock.advance(CONDUCT_WINDOW_MS);
    for (let i = 0; i < 3; i++) expect(conduct.noteRejected(false)).toBeUndefined();
    expect(conduct.noteRejected(false)).toBe('rejected_frames');
  });

  it('judges chatter before start', () => {
    const conduct = new InboundConduct(new ManualClock(0), LIMITS);
    expect(conduct.checkBeforeStart(2)).toBeUndefined();
    expect(conduct.checkBeforeStart(3)).toBe('before_start');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttackDeadline } from './attackDeadline.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('AttackDeadline', () => {
  it('stops after its duration, or at once when the caller aborts', () => {
    const deadline = new AttackDeadline(1_000);
    vi.advanceTimersByTime(999);
    expect(deadline.stopped).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.stopped).toBe(true);

    const outer = new AbortController();
    const aborted = new AttackDeadline(1_000, outer.signal);
    outer.abort();
    expect(aborted.stopped).toBe(true);
  });

  it('stops the given time after a restart of its clock', () => {
    const deadline = new AttackDeadline(60_000);
    vi.advanceTimersByTime(800);
    deadline.restartClock(1_000);
    vi.advanceTimersByTime(999);
    expect(deadline.stopped).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.stopped).toBe(true);
    // A stopped deadline stays stopped.
    deadline.restartClock(1_000);
    expect(deadline.stopped).toBe(true);
  });
});

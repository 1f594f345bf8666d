/**
 * Injected time. Everything that waits or measures takes a `Clock`, so tests and replays can run on
 * simulated time. Structurally compatible with xstate's `Clock`, so the same object is handed to
 * `createActor(..., { clock })`.
 */

/** A timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** Time source and scheduler, in milliseconds. */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Runs `callback` once after `delayMs`. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The process clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface ManualTimer {
  readonly id: number;
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due order (ties in creation order) while
 * {@link ManualClock.advance} walks time forward, so a timer scheduled by another timer's callback
 * fires in the same advance if it falls due.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.push({ id, dueAt: this.#now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    const index = this.#timers.findIndex((timer) => timer.id === handle);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#earliestDue(target);
      if (next === undefined) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      // An overdue timer (after a stall) fires now, not in the past.
      this.#now = Math.max(this.#now, next.dueAt);
      next.callback();
    }
    this.#now = target;
  }

  /**
   * Moves time forward by `ms` without firing anything, as when the event loop is blocked; the
   * overdue timers fire, late, on the next {@link ManualClock.advance}.
   */
  stall(ms: number): void {
    this.#now += ms;
  }

  /** Number of timers still waiting. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #earliestDue(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueAt > limit) continue;
      if (best === undefined || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.id < best.id)) best = timer;
    }
    return best;
  }
}

/**
 * Lets a housekeeping timer from {@link Clock.setTimeout} (an engine-wide sweep or summary, not a
 * call's) not keep the process alive; a no-op for a simulated clock's handles.
 */
export function unrefTimer(handle: TimerHandle): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}

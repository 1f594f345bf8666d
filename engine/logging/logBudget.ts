import type { Clock } from '../clock.js';

/** Options of a {@link LogBudget}. */
export interface LogBudgetOptions {
  /** Lines each key may write on average, per second (0.1: one line per 10 s). */
  readonly linesPerSecond: number;
  /** Lines a key may write at once, before the average applies. */
  readonly burst: number;
}

/** Keys a budget tracks at most; lines under any further key share {@link OVERFLOW_KEY}. */
const MAX_KEYS = 64;
/** The key lines fall under once {@link MAX_KEYS} distinct keys are in use. */
export const OVERFLOW_KEY = 'other';

interface KeyState {
  tokens: number;
  updatedAt: number;
  suppressed: number;
}

/** {@link LogBudget.take}'s answer when the line must not be written. */
export const SUPPRESSED = -1;

/**
 * How many log lines something outside the engine can cause: a token bucket per key (an error
 * code, a kind of refusal), with the lines it holds back counted, so the next line written says
 * how many were left out. Keys are meant to be a small fixed set; a budget never grows past
 * {@link MAX_KEYS} of them, whatever its callers pass.
 *
 * @example
 * ```ts
 * const budget = new LogBudget(clock, { linesPerSecond: 0.1, burst: 1 });
 * const skipped = budget.take(error.code);
 * if (skipped !== SUPPRESSED) log.warn({ code: error.code, alsoSinceLastLine: skipped }, 'rejected inbound frame');
 * ```
 */
export class LogBudget {
  readonly #clock: Clock;
  readonly #rate: number;
  readonly #burst: number;
  readonly #keys = new Map<string, KeyState>();

  constructor(clock: Clock, options: LogBudgetOptions) {
    if (!(options.linesPerSecond >= 0) || !(options.burst >= 1)) throw new RangeError(`a log budget needs linesPerSecond >= 0 and burst >= 1, got ${options.linesPerSecond} and ${options.burst}`);
    this.#clock = clock;
    this.#rate = options.linesPerSecond / 1000;
    this.#burst = options.burst;
  }

  /**
   * Takes one line from `key`'s budget. Returns {@link SUPPRESSED} when the line must not be
   * written (it is counted), else how many lines of this key were suppressed since the last one
   * written.
   */
  take(key: string): number {
    const now = this.#clock.now();
    const state = this.#stateOf(key, now);
    state.tokens = Math.min(this.#burst, state.tokens + (now - state.updatedAt) * this.#rate);
    state.updatedAt = now;
    if (state.tokens < 1) {
      state.suppressed++;
      return SUPPRESSED;
    }
    state.tokens -= 1;
    const suppressed = state.suppressed;
    state.suppressed = 0;
    return suppressed;
  }

  /** Counts a line of `key` that was left out elsewhere (another budget refused it), without taking a token. */
  noteSuppressed(key: string): void {
    this.#stateOf(key, this.#clock.now()).suppressed++;
  }

  /** Lines suppressed per key since the last call, and resets those counts; empty when none were. */
  takeSuppressedCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [key, state] of this.#keys) {
      if (state.suppressed === 0) continue;
      counts[key] = state.suppressed;
      state.suppressed = 0;
    }
    return counts;
  }

  #stateOf(key: string, now: number): KeyState {
    let state = this.#keys.get(key);
    if (state !== undefined) return state;
    const stored = this.#keys.size < MAX_KEYS ? key : OVERFLOW_KEY;
    state = this.#keys.get(stored);
    if (state === undefined) {
      state = { tokens: this.#burst, updatedAt: now, suppressed: 0 };
      this.#keys.set(stored, state);
    }
    return state;
  }
}

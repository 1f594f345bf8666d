import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** How often one kind of warning may be logged, by default. */
export const DEFAULT_WARNING_INTERVAL_MS = 10_000;

/**
 * Warnings a flood must not turn into a flood of log lines: the first of each key is logged at
 * once, then at most one line per key every `intervalMs`, carrying `repeatsSinceLastLine` (how many
 * were left out since the previous line).
 *
 * @remarks Keys must come from a small fixed set (a route and a code), never from request values:
 * each key is remembered for the life of the process.
 *
 * @example
 * ```ts
 * const warnings = new ThrottledWarnings(log, clock);
 * warnings.warn('texml:CW_ORIGIN_NO_HOST', { code }, 'refused texml request');
 * ```
 */
export class ThrottledWarnings {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #byKey = new Map<string, { loggedAt: number; repeats: number }>();

  constructor(log: Logger, clock: Clock, intervalMs = DEFAULT_WARNING_INTERVAL_MS) {
    this.#log = log;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Logs `message` with `detail` unless a line with this `key` went out less than the interval ago (then only counts it). */
  warn(key: string, detail: Readonly<Record<string, unknown>>, message: string): void {
    const now = this.#clock.now();
    const last = this.#byKey.get(key);
    if (last !== undefined && now - last.loggedAt < this.#intervalMs) {
      last.repeats++;
      return;
    }
    this.#byKey.set(key, { loggedAt: now, repeats: 0 });
    this.#log.warn({ ...detail, repeatsSinceLastLine: last?.repeats ?? 0 }, message);
  }
}

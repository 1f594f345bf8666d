import { unrefTimer, type Clock, type TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { LogBudget, SUPPRESSED, type LogBudgetOptions } from './logBudget.js';

/** Engine-wide default: per kind of line, 10 a second on average and 100 at once. */
export const DEFAULT_SHARED_LOG_BUDGET: LogBudgetOptions = { linesPerSecond: 10, burst: 100 };
/** How often the lines held back engine-wide are summed up in one line. */
const SUMMARY_INTERVAL_MS = 10_000;

/**
 * The engine-wide ceiling on lines that outside input can cause (refused connections, rejected
 * frames, Telnyx error frames, calls starting and ending). A per-call budget stops one call from
 * flooding the log; this one stops thousands of short-lived connections from doing it together.
 * Whatever it holds back is summed up once every 10 s, so the log still says what happened.
 */
export class SharedLogBudget {
  readonly #budget: LogBudget;
  readonly #log: Logger;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(log: Logger, clock: Clock, options: LogBudgetOptions = DEFAULT_SHARED_LOG_BUDGET) {
    this.#budget = new LogBudget(clock, options);
    this.#log = log;
    this.#clock = clock;
  }

  /**
   * Takes a line of kind `key` from `local` (a call's own budget), if given, and then from the
   * engine's. Returns {@link SUPPRESSED} when the line must not be written, else how many lines of
   * this kind the deciding budget held back since the last one written.
   */
  take(key: string, local?: LogBudget): number {
    const fromLocal = local === undefined ? 0 : local.take(key);
    if (fromLocal === SUPPRESSED) return SUPPRESSED;
    const fromShared = this.#budget.take(key);
    if (fromShared === SUPPRESSED) {
      this.#scheduleSummary();
      return SUPPRESSED;
    }
    return fromLocal + fromShared;
  }

  /** Stops the summary timer; lines still held back are summed up now. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writeSummary();
  }

  #scheduleSummary(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#writeSummary();
    }, SUMMARY_INTERVAL_MS);
    unrefTimer(this.#timer);
  }

  #writeSummary(): void {
    const suppressed = this.#budget.takeSuppressedCounts();
    if (Object.keys(suppressed).length > 0) this.#log.warn({ suppressed, intervalMs: SUMMARY_INTERVAL_MS }, 'log lines held back (too many of a kind)');
  }
}

/** The engine's two shared budgets, handed to every call. */
export interface EngineLogBudgets {
  /** Lines caused by what arrives at the edge: refusals, rejected frames, Telnyx errors, streams that never started. */
  readonly edge: SharedLogBudget;
  /** The start and end lines of calls that started streaming: generous, so they are only held back in a flood. */
  readonly calls: SharedLogBudget;
}

/** Budgets for the edge (5 lines of a kind at once, then one every 5 s) and for call lines (50 a second, 500 at once). */
export function engineLogBudgets(log: Logger, clock: Clock): EngineLogBudgets {
  return {
    edge: new SharedLogBudget(log, clock, { linesPerSecond: 0.2, burst: 5 }),
    calls: new SharedLogBudget(log, clock, { linesPerSecond: 50, burst: 500 }),
  };
}

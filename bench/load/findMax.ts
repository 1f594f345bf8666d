/**
 * The `--find-max` search over call counts: grow by a factor while steps hold, then bisect between
 * the largest count that held and the smallest that failed until they are close. Pure: the caller
 * runs each step and checks the time budget.
 */

/** Search settings. */
export interface FindMaxSettings {
  /** Growth per step while nothing has failed. */
  readonly factor: number;
  /** Never try more calls than this. */
  readonly maxCalls: number;
  /** Stop bisecting once failed − held is at most max(this, 5 % of held). */
  readonly resolution: number;
}

/** Defaults: double, at most 2000 calls, to within 10 calls or 5 %. */
export const DEFAULT_FIND_MAX: FindMaxSettings = { factor: 2, maxCalls: 2000, resolution: 10 };

/** Where the search stands. */
export interface FindMaxState {
  /** Largest count that held, or null. */
  readonly held: number | null;
  /** Smallest count that failed, or null. */
  readonly failed: number | null;
}

/** The search before any step. */
export const FIND_MAX_START: FindMaxState = { held: null, failed: null };

/** The state after a step at `calls` that held or not. */
export function recordStep(state: FindMaxState, calls: number, held: boolean): FindMaxState {
  if (held) return { held: state.held === null ? calls : Math.max(state.held, calls), failed: state.failed };
  return { held: state.held, failed: state.failed === null ? calls : Math.min(state.failed, calls) };
}

/** The next count to try, or null when the search is over. */
export function nextStep(state: FindMaxState, settings: FindMaxSettings = DEFAULT_FIND_MAX): number | null {
  const { held, failed } = state;
  if (held === null && failed === null) return null;
  if (failed === null) {
    const current = held as number;
    if (current >= settings.maxCalls) return null;
    return Math.min(settings.maxCalls, Math.max(current + 1, Math.ceil(current * settings.factor)));
  }
  if (held === null) {
    const smaller = Math.floor(failed / settings.factor);
    return smaller >= 1 && smaller < failed ? smaller : null;
  }
  if (failed - held <= Math.max(settings.resolution, Math.ceil(held * 0.05))) return null;
  return Math.floor((held + failed) / 2);
}

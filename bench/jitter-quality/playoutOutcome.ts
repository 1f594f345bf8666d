/** What one strategy did with one call, in the terms the report compares. */

/** An entry of {@link PlayoutOutcome.heard} for an output frame that carried no source frame. */
export const NO_FRAME = -1;

/**
 * Names of the compared strategies, in report order. `oracle` is the smallest fixed delay with as
 * many late frames as callwire; `oracle-same-concealment` the smallest with as many concealed ticks
 * (its late frames may fill the ticks callwire concealed for any reason other than sender loss);
 * `oracle-1pct` the smallest with at most 1 % of the delivered frames late: the price of the
 * 1 % concealment goal on that trace.
 */
export type StrategyName = 'callwire' | 'fixed-200' | 'oracle' | 'oracle-same-concealment' | 'oracle-1pct' | 'no-buffer';

/**
 * One strategy on one call.
 *
 * @remarks Definitions, the same for every strategy:
 * - *added delay* of a played frame = its playout tick − (its send time + the trace's transit
 *   floor): what the caller waits beyond the fastest the network ever was.
 * - the *window* runs from the tick that played the first frame to the tick that played the last.
 * - a *concealed tick* is a tick in the window that carried no frame where one was due: the
 *   strategy emitted concealment or silence instead. Silence callwire inserts on purpose in a
 *   quiet stretch (to grow its delay) is counted apart, in `insertedTicks`.
 * - a *late frame* is a frame that was delivered but never played because of its timing: it came
 *   after its slot (or, for callwire, was cut by the overflow limit or pushed out of the ring).
 */
export interface PlayoutOutcome {
  /** Distinct frames delivered by the network. */
  readonly delivered: number;
  /** Distinct frames played. */
  readonly played: number;
  /** Added delay of each played frame, ms. */
  readonly addedDelayMs: Float64Array;
  /** Ticks in the window. */
  readonly windowTicks: number;
  /** Ticks in the window with no frame where one was due. */
  readonly concealedTicks: number;
  /** Delivered frames never played because of their timing. */
  readonly late: number;
  /** Quiet frames dropped on purpose to shrink the delay (callwire only). */
  readonly droppedQuiet: number;
  /** Silent ticks inserted on purpose in quiet stretches (callwire only). */
  readonly insertedTicks: number;
  /** Media time cut by time-stretching to shrink the delay, ms (callwire only). */
  readonly shortenedMs: number;
  /** Media time added by time-stretching to grow the delay, ms (callwire only). */
  readonly lengthenedMs: number;
  /**
   * What the listener heard over the window, output frame by output frame: where in the source the
   * frame starts, in frames (i for frame i played whole; fractional for callwire's time-stretched
   * audio, whose frames can start inside a packet), or {@link NO_FRAME} when no packet starts in it
   * (concealment, silence, or the rest of a stretched packet). One entry per tick, except that a
   * strategy handing over several frames on one tick (no buffer, after a stall) is heard playing
   * them back to back.
   */
  readonly heard: Float64Array;
  /** callwire only: the audio it really emitted over `heard` (the other strategies' is rendered from `heard`). */
  readonly audio?: Int16Array;
}

/**
 * Hindsight over the last few seconds of playout: the least time any packet waited in the buffer
 * between its arrival and the start of its audio. When every packet of the window waited more than a
 * frame, the buffer held a frame nobody needed (a single late packet, or a stall's backlog, leaves
 * the stream resting one packet deeper), and playing a frame earlier would have made none of them
 * late. A window in which audio had to be made up shows no spare cover at all.
 *
 * Allocation-free: the minima live in one typed array, and the query answers a yes/no question so
 * no fractional number crosses a call boundary.
 */
export class SpareCover {
  /** Per-interval minimum wait, ms; the last element is the interval still open. */
  readonly #minima: Float64Array;
  readonly #intervals: number;
  readonly #intervalMs: number;
  readonly #samplesPerMs: number;
  #closed = 0;
  #next = 0;
  #openedAtMs = Number.NaN;

  /** A window of `intervals` × `intervalMs` (by default 4 × 500 ms: two seconds) over audio of `sampleRate`. */
  constructor(sampleRate: number, intervals = 4, intervalMs = 500) {
    if (!(sampleRate > 0) || !Number.isInteger(intervals) || intervals < 1 || !(intervalMs > 0)) {
      throw new RangeError(`SpareCover: bad window ${intervals} × ${intervalMs} ms at ${sampleRate} Hz`);
    }
    this.#samplesPerMs = sampleRate / 1000;
    this.#intervals = intervals;
    this.#intervalMs = intervalMs;
    this.#minima = new Float64Array(intervals + 1).fill(Number.POSITIVE_INFINITY);
  }

  /**
   * Moves time to the tick at `nowMs` (closing the open interval once it is `intervalMs` long), whose
   * first `count` packets started `starts[i]` samples after `nowMs` and arrived at `arrivalsMs[i]`.
   * (The playout stage's own arrays are passed, with the tick's time unchanged, so no fresh
   * fractional number crosses the call.)
   */
  tick(nowMs: number, starts: Int32Array, arrivalsMs: Float64Array, count: number): void {
    this.#advance(nowMs);
    const minima = this.#minima;
    const open = this.#intervals;
    for (let i = 0; i < count; i++) {
      const waited = nowMs + starts[i]! / this.#samplesPerMs - arrivalsMs[i]!;
      if (waited < minima[open]!) minima[open] = waited;
    }
  }

  /** A packet was due and missing: nothing in this interval was spare. */
  missed(): void {
    this.#minima[this.#intervals] = Number.NEGATIVE_INFINITY;
  }

  #advance(nowMs: number): void {
    if (Number.isNaN(this.#openedAtMs)) {
      this.#openedAtMs = nowMs;
      return;
    }
    if (nowMs - this.#openedAtMs < this.#intervalMs) return;
    const minima = this.#minima;
    const open = this.#intervals;
    minima[this.#next] = minima[open]!;
    minima[open] = Number.POSITIVE_INFINITY;
    this.#next = this.#next + 1 === open ? 0 : this.#next + 1;
    if (this.#closed < open) this.#closed++;
    this.#openedAtMs = nowMs;
  }

  /** True when the window is full and every packet in it waited at least `ms` (intervals with no packet count as spare). */
  covers(ms: number): boolean {
    if (this.#closed < this.#intervals) return false;
    const minima = this.#minima;
    for (let i = 0; i < this.#intervals; i++) if (minima[i]! < ms) return false;
    return true;
  }

  /** Forgets the window: after the buffer has given a frame back, the next one is judged on new arrivals only. */
  restart(): void {
    this.#minima.fill(Number.POSITIVE_INFINITY);
    this.#closed = 0;
    this.#next = 0;
    this.#openedAtMs = Number.NaN;
  }
}

import { unrefTimer, type Clock, type TimerHandle } from './clock.js';

/**
 * A deadline sweep that never holds the event loop long: every `intervalMs` it runs `sweepBatch`,
 * which handles at most a batch of expired entries and returns true when it stopped with more left;
 * the rest then go a batch per turn of the event loop, so the calls' pacing runs in between
 * (thousands of entries that began together expire together). It sleeps while `watching` is false.
 */
export class BatchedSweep {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #sweepBatch: () => boolean;
  readonly #watching: () => boolean;
  #timer: TimerHandle | undefined;
  #again: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(clock: Clock, intervalMs: number, sweepBatch: () => boolean, watching: () => boolean) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#sweepBatch = sweepBatch;
    this.#watching = watching;
  }

  /** Makes sure a sweep is due (an entry with a deadline was added); the timer keeps no process alive. */
  schedule(): void {
    if (this.#timer !== undefined || this.#again !== undefined || this.#closed) return;
    this.#timer = this.#clock.setTimeout(this.#run, this.#intervalMs);
    unrefTimer(this.#timer);
  }

  /** Stops sweeping for good (the server is closing). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    if (this.#again !== undefined) clearImmediate(this.#again);
    this.#timer = undefined;
    this.#again = undefined;
  }

  readonly #run = (): void => {
    this.#timer = undefined;
    this.#again = undefined;
    if (this.#sweepBatch()) {
      if (!this.#closed) this.#again = setImmediate(this.#run);
      return;
    }
    if (this.#watching()) this.schedule();
  };
}

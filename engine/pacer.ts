import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';

/** Something the pacer drives once per tick: one call's outbound audio. */
export interface PacedStream {
  /** Sends at most one tick's worth of audio. Must not throw; a throw is logged and the stream dropped. */
  pace(): void;
  /** Slot index owned by the pacer; -1 while not registered. */
  pacerSlot: number;
}

/** Pacing options. */
export interface PacerOptions {
  /** Tick length in milliseconds (20 for telephony audio). */
  readonly periodMs?: number;
  /** Ticks run back to back after a stall before the schedule is re-based instead. */
  readonly maxCatchUpTicks?: number;
  /** Told how late each timer fired, in ms (for the pacing-lateness metric); once per timer, not per stream. */
  readonly onTimer?: (latenessMs: number) => void;
}

/** What the pacer has seen, for metrics and the bench harness. */
export interface PacerStats {
  /** Ticks run since the pacer started. */
  ticks: number;
  /** Ticks given up after a stall longer than `maxCatchUpTicks`. */
  skippedTicks: number;
  /** How late the most recent timer fired, in ms. */
  lastLatenessMs: number;
  /** Largest lateness seen, in ms. */
  maxLatenessMs: number;
}

/**
 * One drift-corrected clock for the outbound audio of every call: a single timer whose deadlines are
 * `start + n * period`, so timer lateness never accumulates. After a stall it runs the missed ticks
 * back to back (up to `maxCatchUpTicks`), because the far end's playout buffer absorbs a small
 * burst better than a gap; a longer stall re-bases the schedule.
 */
export class Pacer {
  readonly periodMs: number;
  readonly stats: PacerStats = { ticks: 0, skippedTicks: 0, lastLatenessMs: 0, maxLatenessMs: 0 };
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #maxCatchUpTicks: number;
  readonly #streams: (PacedStream | undefined)[] = [];
  #count = 0;
  #timer: TimerHandle | undefined;
  #epoch = 0;
  #ticksSinceEpoch = 0;
  #iterating = false;
  #holes = 0;

  readonly #onTimerLateness: ((latenessMs: number) => void) | undefined;

  constructor(clock: Clock, log: Logger, options: PacerOptions = {}) {
    this.#clock = clock;
    this.#log = log;
    this.periodMs = options.periodMs ?? 20;
    this.#maxCatchUpTicks = options.maxCatchUpTicks ?? 5;
    this.#onTimerLateness = options.onTimer;
  }

  /** Number of streams being paced. */
  get size(): number {
    return this.#count;
  }

  /** True while the pacer's timer is armed. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts pacing `stream` from the next tick. Adding a registered stream is a no-op. */
  add(stream: PacedStream): void {
    if (stream.pacerSlot >= 0) return;
    stream.pacerSlot = this.#streams.length;
    this.#streams.push(stream);
    this.#count++;
    if (this.#timer === undefined) this.#start();
  }

  /** Stops pacing `stream`; safe to call from inside `pace()` and more than once. */
  remove(stream: PacedStream): void {
    const slot = stream.pacerSlot;
    if (slot < 0 || this.#streams[slot] !== stream) return;
    stream.pacerSlot = -1;
    this.#count--;
    if (this.#iterating) {
      // Compacting now would shift streams under the running loop; leave a hole and compact after.
      this.#streams[slot] = undefined;
      this.#holes++;
      return;
    }
    this.#swapRemove(slot);
    if (this.#count === 0) this.#stop();
  }

  /** Milliseconds since the last tick was due (0 to one period); 0 while no stream is paced. */
  msSinceTick(): number {
    if (this.#count === 0) return 0;
    const since = this.#clock.now() - (this.#epoch + this.#ticksSinceEpoch * this.periodMs);
    return since < 0 ? 0 : since > this.periodMs ? this.periodMs : since;
  }

  /** Cancels the timer and forgets every stream. */
  close(): void {
    for (const stream of this.#streams) if (stream !== undefined) stream.pacerSlot = -1;
    this.#streams.length = 0;
    this.#count = 0;
    this.#stop();
  }

  #start(): void {
    this.#epoch = this.#clock.now();
    this.#ticksSinceEpoch = 0;
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const due = this.#epoch + (this.#ticksSinceEpoch + 1) * this.periodMs;
    this.#timer = this.#clock.setTimeout(this.#onTimer, due - this.#clock.now());
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const now = this.#clock.now();
    const lateness = now - (this.#epoch + (this.#ticksSinceEpoch + 1) * this.periodMs);
    this.stats.lastLatenessMs = lateness;
    this.#onTimerLateness?.(lateness);
    if (lateness > this.stats.maxLatenessMs) this.stats.maxLatenessMs = lateness;

    let due = Math.floor((now - this.#epoch) / this.periodMs) - this.#ticksSinceEpoch;
    if (due > this.#maxCatchUpTicks) {
      this.stats.skippedTicks += due - 1;
      this.#epoch = now - this.periodMs;
      this.#ticksSinceEpoch = 0;
      due = 1;
    }
    for (let i = 0; i < due; i++) {
      this.#ticksSinceEpoch++;
      this.stats.ticks++;
      this.#tick();
    }
    if (this.#count > 0) this.#schedule();
  };

  #tick(): void {
    this.#iterating = true;
    const streams = this.#streams;
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i];
      if (stream === undefined) continue;
      try {
        stream.pace();
      } catch (error) {
        this.#log.error({ err: error }, 'paced stream threw; dropping it');
        this.remove(stream);
      }
    }
    this.#iterating = false;
    if (this.#holes > 0) this.#compact();
  }

  #compact(): void {
    const streams = this.#streams;
    let write = 0;
    for (let read = 0; read < streams.length; read++) {
      const stream = streams[read];
      if (stream === undefined) continue;
      stream.pacerSlot = write;
      streams[write++] = stream;
    }
    streams.length = write;
    this.#holes = 0;
    if (this.#count === 0) this.#stop();
  }

  #swapRemove(slot: number): void {
    const streams = this.#streams;
    const last = streams.pop();
    if (slot < streams.length && last !== undefined) {
      streams[slot] = last;
      last.pacerSlot = slot;
    }
  }
}

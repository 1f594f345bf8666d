/**
 * Sends a capture's inbound messages at their recorded offsets, on one drift-corrected schedule:
 * every deadline is `start + atMs / speed`, so a late timer never pushes the later messages back.
 */
import type { Clock, TimerHandle } from '../../engine/clock.js';
import type { PlannedClose, PlannedSend } from './replayPlan.js';

/** Deadlines this close to now count as reached (floating-point slack, far below timer resolution). */
const DEADLINE_TOLERANCE_MS = 0.001;

/** What the scheduler drives. */
export interface ReplayTarget {
  /** Sends one message; returns false when the socket is gone, which stops the schedule. */
  send(item: PlannedSend): boolean;
  /** The capture's `close` time has come. */
  close(close: PlannedClose): void;
}

/** How a schedule ended. */
export type ScheduleEnd = 'completed' | 'stopped';

/**
 * Plays `sends` (and then `close`, if given) against a {@link ReplayTarget} on `clock`.
 *
 * @remarks Messages due at the same time (or overdue after a stall) go out back to back, in
 * capture order. `sentAtMs[i]` is when message i actually went out, ms after {@link start}, so the
 * report can show how closely the schedule was kept.
 */
export class ReplayScheduler {
  /** When each message went out, ms after start; NaN for messages not sent. */
  readonly sentAtMs: Float64Array;
  /** Messages sent so far. */
  sent = 0;
  /** Resolves when the last message (and the close) went out, or on {@link stop}. */
  readonly finished: Promise<ScheduleEnd>;
  readonly #clock: Clock;
  readonly #sends: readonly PlannedSend[];
  readonly #close: PlannedClose | undefined;
  readonly #target: ReplayTarget;
  readonly #speed: number;
  #startMs = Number.NaN;
  #timer: TimerHandle | undefined;
  #closeDone = false;
  #ended = false;
  #resolve: (end: ScheduleEnd) => void = () => undefined;

  constructor(clock: Clock, sends: readonly PlannedSend[], close: PlannedClose | undefined, target: ReplayTarget, speed = 1) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.#clock = clock;
    this.#sends = sends;
    this.#close = close;
    this.#target = target;
    this.#speed = speed;
    this.sentAtMs = new Float64Array(sends.length).fill(Number.NaN);
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Starts the schedule now (call it when the socket opens). */
  start(): void {
    if (!Number.isNaN(this.#startMs)) throw new Error('ReplayScheduler already started');
    this.#startMs = this.#clock.now();
    this.#step();
  }

  /** Stops sending (the engine closed the socket); idempotent. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#end('stopped');
  }

  /** Deadline of message `index` (or of the close, at `sends.length`), ms after start. */
  dueMs(index: number): number {
    const item = index < this.#sends.length ? this.#sends[index] : this.#close;
    return item === undefined ? Number.NaN : item.atMs / this.#speed;
  }

  #step(): void {
    this.#timer = undefined;
    if (this.#ended) return;
    const elapsed = this.#clock.now() - this.#startMs;
    // A timer set for a deadline can fire a rounding error before it; without the tolerance it
    // would be re-armed for ~0 ms again and again.
    const horizon = elapsed + DEADLINE_TOLERANCE_MS;
    while (this.sent < this.#sends.length && this.dueMs(this.sent) <= horizon) {
      const index = this.sent;
      this.sentAtMs[index] = elapsed;
      this.sent++;
      if (!this.#target.send(this.#sends[index]!)) {
        this.#end('stopped');
        return;
      }
    }
    if (this.sent === this.#sends.length && !this.#closeDone) {
      const close = this.#close;
      if (close === undefined || close.atMs / this.#speed <= horizon) {
        this.#closeDone = true;
        if (close !== undefined) this.#target.close(close);
        this.#end('completed');
        return;
      }
    }
    this.#timer = this.#clock.setTimeout(() => this.#step(), this.dueMs(this.sent) - elapsed);
  }

  #end(end: ScheduleEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#resolve(end);
  }
}

import { Observable, type Subscriber } from 'rxjs';
import type { Clock } from '../../engine/clock.js';
import type { PacedStream } from '../../engine/pacer.js';

/**
 * The shared pacer's ticks as an Observable of tick times, for the `playout` operator: register it
 * with `pacer.add(ticks)` and every pacer tick emits the time that tick was scheduled for.
 *
 * @remarks After a stall the pacer runs the missed ticks back to back; they are stamped one period
 * apart (not all with the same late `now`), so the playout stage sees an even media clock. A gap
 * longer than `maxCatchUpMs` (the pacer re-based) restarts the stamps from `now`. One subscriber at a
 * time; emitting allocates nothing.
 */
export class PacerTicks extends Observable<number> implements PacedStream {
  /** Slot index owned by the pacer. */
  pacerSlot = -1;
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #maxCatchUpMs: number;
  #subscriber: Subscriber<number> | undefined;
  #stamp = Number.NaN;

  constructor(clock: Clock, periodMs = 20, maxCatchUpMs = 5 * periodMs) {
    super((subscriber) => {
      this.#subscriber = subscriber;
      return () => {
        if (this.#subscriber === subscriber) this.#subscriber = undefined;
      };
    });
    this.#clock = clock;
    this.#periodMs = periodMs;
    this.#maxCatchUpMs = maxCatchUpMs;
  }

  /** Called by the pacer once per tick. */
  pace(): void {
    const now = this.#clock.now();
    const next = this.#stamp + this.#periodMs;
    this.#stamp = next <= now && now - next <= this.#maxCatchUpMs ? next : now;
    this.#subscriber?.next(this.#stamp);
  }
}

import type { Clock, TimerHandle } from './clock.js';
import type { DtmfFrame } from './telnyx/frames.js';

/**
 * How long a key press waits for an earlier one that may still arrive. Telnyx can deliver `dtmf`
 * frames out of order; a caller does not notice 80 ms on a key press, and two presses of a person
 * are further apart than that.
 */
export const DTMF_HOLD_MS = 80;

/** Recent key presses remembered to drop a repeated frame; bounded, whatever the stream sends. */
const REMEMBERED_PRESSES = 32;

interface HeldPress {
  readonly digit: string;
  readonly order: number;
  readonly releaseAt: number;
}

/** What a {@link DtmfOrdering} did, for the call's statistics. */
export interface DtmfOrderingStats {
  /** Presses handed on. */
  delivered: number;
  /** Repeated frames of a press already handed on (same `sequence_number`, or same time and digit). */
  duplicates: number;
  /** Presses that arrived after a later one had already been handed on: delivered at once, out of order. */
  late: number;
}

/**
 * Hands the caller's key presses on in the order Telnyx numbered them (`sequence_number`, else
 * `occurred_at`), not the order they arrived, and drops repeated frames of one press. Each press
 * waits {@link DTMF_HOLD_MS} for earlier ones; the stream's end flushes what is held.
 */
export class DtmfOrdering {
  readonly stats: DtmfOrderingStats = { delivered: 0, duplicates: 0, late: 0 };
  readonly #clock: Clock;
  readonly #deliver: (digit: string) => void;
  /** Held presses, in Telnyx's order. */
  readonly #held: HeldPress[] = [];
  /** Identities of the last presses seen, oldest first. */
  readonly #seen: string[] = [];
  #lastDeliveredOrder = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;

  constructor(clock: Clock, deliver: (digit: string) => void) {
    this.#clock = clock;
    this.#deliver = deliver;
  }

  /** Takes one `dtmf` frame. */
  accept(frame: DtmfFrame): void {
    const identity = identityOf(frame);
    if (identity !== undefined) {
      if (this.#seen.includes(identity)) {
        this.stats.duplicates++;
        return;
      }
      this.#seen.push(identity);
      if (this.#seen.length > REMEMBERED_PRESSES) this.#seen.shift();
    }
    const order = orderOf(frame);
    if (order === undefined) {
      // Nothing to order it by: it goes on as it came.
      this.#handOn(frame.digit, this.#lastDeliveredOrder);
      return;
    }
    if (order < this.#lastDeliveredOrder) {
      this.stats.late++;
      this.#handOn(frame.digit, this.#lastDeliveredOrder);
      return;
    }
    let index = this.#held.length;
    while (index > 0 && this.#held[index - 1]!.order > order) index--;
    this.#held.splice(index, 0, { digit: frame.digit, order, releaseAt: this.#clock.now() + DTMF_HOLD_MS });
    this.#schedule();
  }

  /** Hands on every held press now, in order (the stream is ending). */
  flush(): void {
    this.#cancel();
    for (const press of this.#held.splice(0)) this.#handOn(press.digit, press.order);
  }

  /** Drops what is held and stops its timer (the call is gone). */
  dispose(): void {
    this.#cancel();
    this.#held.length = 0;
  }

  #release(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    // In order: a press that is due still waits behind an earlier one that is not.
    while (this.#held.length > 0 && this.#held[0]!.releaseAt <= now) {
      const press = this.#held.shift()!;
      this.#handOn(press.digit, press.order);
    }
    this.#schedule();
  }

  #schedule(): void {
    const head = this.#held[0];
    if (head === undefined) return;
    this.#cancel();
    this.#timer = this.#clock.setTimeout(() => this.#release(), Math.max(0, head.releaseAt - this.#clock.now()));
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #handOn(digit: string, order: number): void {
    this.#lastDeliveredOrder = Math.max(this.#lastDeliveredOrder, order);
    this.stats.delivered++;
    this.#deliver(digit);
  }
}

/** What makes two frames the same press: Telnyx's number for it, else its time and digit. */
function identityOf(frame: DtmfFrame): string | undefined {
  if (frame.sequenceNumber !== undefined) return `#${frame.sequenceNumber}`;
  if (frame.occurredAt !== undefined) return `${frame.occurredAt} ${frame.digit}`;
  return undefined;
}

/** Where a press goes in Telnyx's order: its `sequence_number`, else its `occurred_at` in ms. */
function orderOf(frame: DtmfFrame): number | undefined {
  if (frame.sequenceNumber !== undefined) return frame.sequenceNumber;
  if (frame.occurredAt === undefined) return undefined;
  const time = Date.parse(frame.occurredAt);
  return Number.isNaN(time) ? undefined : time;
}

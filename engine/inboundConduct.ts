import type { Clock } from './clock.js';

/** Why a stream was judged not to be a carrier. */
export type ConductViolation = 'over_rate' | 'rejected_frames' | 'before_start';

/** What a stream may send. */
export interface InboundConductLimits {
  /** Sustained messages per second (Telnyx sends about 50). */
  readonly messagesPerSecond: number;
  /** Messages that may arrive at once above that rate: the backlog after a network stall. */
  readonly burst: number;
  /** Rejected frames within {@link CONDUCT_WINDOW_MS} before the stream is judged. */
  readonly rejectedFramesPerWindow: number;
  /** Messages before `start` (Telnyx sends one, `connected`). */
  readonly messagesBeforeStart: number;
}

/** Defaults: 200 messages a second, a burst of 1,000 (20 s of media), 100 rejects per 10 s, 8 messages before start. */
export const DEFAULT_INBOUND_CONDUCT: InboundConductLimits = { messagesPerSecond: 200, burst: 1000, rejectedFramesPerWindow: 100, messagesBeforeStart: 8 };

/** The window rejected frames are counted over, in ms. */
export const CONDUCT_WINDOW_MS = 10_000;

/**
 * What one stream may send, and when it has shown it is not a carrier: a token bucket of messages
 * (a message over the rate is dropped unread), and counts of what Telnyx never sends (rejected
 * frames, a run of messages over the rate longer than the burst, chatter before `start`). A carrier's
 * backlog after a network stall fits in the burst, so only a stream sending far faster than real
 * time runs past it. Allocation-free: it runs once per inbound message.
 *
 * @example
 * ```ts
 * const conduct = new InboundConduct(clock, DEFAULT_INBOUND_CONDUCT);
 * if (!conduct.takeMessage()) {
 *   const violation = conduct.noteRejected(true);
 *   if (violation !== undefined) closeWith1008(violation);
 * }
 * ```
 */
export class InboundConduct {
  readonly #clock: Clock;
  readonly #limits: InboundConductLimits;
  readonly #tokensPerMs: number;
  #tokens: number;
  #tokensAt: number;
  #windowStart: number;
  #rejectedInWindow = 0;
  #overRateInWindow = 0;

  constructor(clock: Clock, limits: InboundConductLimits) {
    this.#clock = clock;
    this.#limits = limits;
    this.#tokensPerMs = limits.messagesPerSecond / 1000;
    this.#tokens = limits.burst;
    this.#tokensAt = clock.now();
    this.#windowStart = this.#tokensAt;
  }

  /** Takes one message from the bucket; false when the stream is over its rate (drop the message). */
  takeMessage(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#limits.burst, this.#tokens + (now - this.#tokensAt) * this.#tokensPerMs);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Judges a stream that has sent `messagesIn` messages without starting. */
  checkBeforeStart(messagesIn: number): ConductViolation | undefined {
    return messagesIn > this.#limits.messagesBeforeStart ? 'before_start' : undefined;
  }

  /**
   * Counts a rejected frame (`overRate`: dropped for the rate, counted apart against the burst);
   * returns the violation when the stream has now shown it is not a carrier.
   */
  noteRejected(overRate: boolean): ConductViolation | undefined {
    const now = this.#clock.now();
    if (now - this.#windowStart >= CONDUCT_WINDOW_MS) {
      this.#windowStart = now;
      this.#rejectedInWindow = 0;
      this.#overRateInWindow = 0;
    }
    if (overRate) return ++this.#overRateInWindow > this.#limits.burst ? 'over_rate' : undefined;
    return ++this.#rejectedInWindow > this.#limits.rejectedFramesPerWindow ? 'rejected_frames' : undefined;
  }
}

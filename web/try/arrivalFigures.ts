/**
 * How the bot's audio arrives at the page: the interarrival jitter of RFC 3550 (§6.4.1) on the
 * media clock of what was received, and how many messages came more than {@link LATE_MS} behind
 * the earliest one of their talk spurt. A pause longer than {@link NEW_SPURT_MS} (the bot went
 * quiet) starts a new spurt rather than counting as lateness.
 */
export class ArrivalFigures {
  /** Messages and payload bytes received. */
  messages = 0;
  bytes = 0;
  /** Smoothed interarrival jitter, in ms. */
  jitterMs = 0;
  /** Messages that arrived more than {@link LATE_MS} after their media time (from the spurt's best). */
  late = 0;
  #mediaMs = 0;
  #previousTransit: number | undefined;
  #bestTransit = Number.POSITIVE_INFINITY;

  /** Notes a message of `durationMs` of audio in `bytes` bytes, arriving at `arrivalMs`. */
  received(arrivalMs: number, durationMs: number, bytes: number): void {
    this.messages++;
    this.bytes += bytes;
    const transit = arrivalMs - this.#mediaMs;
    const previous = this.#previousTransit;
    if (previous !== undefined && transit - previous > NEW_SPURT_MS) {
      this.#bestTransit = transit;
    } else if (previous !== undefined) {
      this.jitterMs += (Math.abs(transit - previous) - this.jitterMs) / 16;
    }
    if (transit < this.#bestTransit) this.#bestTransit = transit;
    if (transit - this.#bestTransit > LATE_MS) this.late++;
    this.#previousTransit = transit;
    this.#mediaMs += durationMs;
  }
}

/** Lateness beyond which a message counts as late: past a typical playout buffer. */
export const LATE_MS = 60;

/** A gap in arrivals this long is the bot pausing, not the network. */
export const NEW_SPURT_MS = 500;

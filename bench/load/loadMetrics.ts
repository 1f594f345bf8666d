import { LinearHistogram } from './histogram.js';

/** The runner's timer runs at least every 5 ms; an arrival read more than this after it ran was read late. */
export const STALE_TICK_MS = 10;

/**
 * What every call of a run reports into: counters, histograms of the measured window, and
 * one-second histograms the runner turns into a timeline. Calls record; only the runner resets.
 */
export class LoadMetrics {
  /** True inside the measured window; window histograms record only then. */
  measuring = false;
  mediaSent = 0;
  dtmfSent = 0;
  messagesReceived = 0;
  mediaReceived = 0;
  /** Outbound messages that arrived after the audio before them ran out, in the window. */
  pacingUnderruns = 0;
  /** Outbound messages read too late to time (the generator had stalled), in the window. */
  unscoredMessages = 0;
  /** When the runner's timer last ran (performance.now() ms); it runs at least every few ms unless the process stalls. */
  lastTickMs = 0;
  /** True while the generator reads what piled up during a stall of its own: arrival times are not real. */
  readingBacklog = false;
  /** How late a frame left against its schedule, in the window. */
  readonly sendLateness = new LinearHistogram(0.05, 1_000);
  /** |actual − ideal| arrival of outbound messages, in the window. */
  readonly pacing = new LinearHistogram(0.05, 1_000);
  /** Echo round trip minus the echo bot's delay, in the window. */
  readonly echo = new LinearHistogram(0.1, 5_000);
  /** The same three over the current second, always recording. */
  readonly secondLateness = new LinearHistogram(0.1, 1_000);
  readonly secondPacing = new LinearHistogram(0.1, 1_000);
  readonly secondEcho = new LinearHistogram(0.5, 5_000);

  /** A frame due at `dueMs` left at `nowMs`. */
  frameSent(dueMs: number, nowMs: number): void {
    this.mediaSent++;
    const late = nowMs - dueMs;
    this.secondLateness.record(late);
    if (this.measuring) this.sendLateness.record(late);
  }

  /** An outbound message missed its ideal arrival by `errorMs`; `underrun` if its audio came too late. */
  pacingError(errorMs: number, underrun: boolean): void {
    this.secondPacing.record(errorMs);
    if (!this.measuring) return;
    this.pacing.record(errorMs);
    if (underrun) this.pacingUnderruns++;
  }

  /** True when an arrival read at `nowMs` is timed right: the generator was not catching up on its own stall. */
  arrivalTrusted(nowMs: number): boolean {
    return !this.readingBacklog && nowMs - this.lastTickMs <= STALE_TICK_MS;
  }

  /** An outbound message could not be timed. */
  unscored(): void {
    if (this.measuring) this.unscoredMessages++;
  }

  /** An echoed frame came back `latencyMs` after it was sent, beyond the bot's delay. */
  echoLatency(latencyMs: number): void {
    this.secondEcho.record(latencyMs);
    if (this.measuring) this.echo.record(latencyMs);
  }
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain lines (at phase changes and every
 * 10 s) when stderr is a file or a pipe, so CI logs stay readable.
 */
import type { LoadProgress } from './protocol.js';

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_MS = 10_000;

/** Where text goes: a stream such as process.stderr, or anything with `write` (tests). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Writes progress for people; see the module comment. */
export class ProgressReporter {
  readonly #out: TextSink;
  readonly #tty: boolean;
  #label = '';
  #barShown = false;
  #lastPhase = '';
  #lastPlainAt = 0;

  constructor(out: TextSink = process.stderr) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  /** Names what runs next, e.g. `callwire · clean · 50 calls`. */
  stage(label: string): void {
    this.#label = label;
    this.#lastPhase = '';
    this.note(`▶ ${label}`);
  }

  /** Redraws the bar (or prints a plain line when due). */
  update(progress: LoadProgress): void {
    const fraction = progress.plannedMs > 0 ? Math.min(1, Math.max(0, progress.elapsedMs / progress.plannedMs)) : 0;
    const detail = `${progress.phase.padEnd(8)} ${(progress.elapsedMs / 1000).toFixed(0).padStart(3)}/${(progress.plannedMs / 1000).toFixed(0)} s · ${progress.openCalls} open · ${formatCount(progress.mediaSent)} frames sent · ${formatCount(progress.messagesReceived)} received`;
    if (this.#tty) {
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
      const columns = this.#out.columns ?? 120;
      this.#out.write(`\r\x1b[2K${`${bar} ${this.#label} · ${detail}`.slice(0, columns - 1)}`);
      this.#barShown = true;
      return;
    }
    const now = performance.now();
    if (progress.phase !== this.#lastPhase || now - this.#lastPlainAt >= PLAIN_INTERVAL_MS) {
      this.#lastPhase = progress.phase;
      this.#lastPlainAt = now;
      this.#out.write(`  ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}\n`);
    }
  }

  /** Prints a line of its own, above the bar. */
  note(line: string): void {
    this.#clearBar();
    this.#out.write(`${line}\n`);
  }

  /** Leaves the terminal clean. */
  done(): void {
    this.#clearBar();
  }

  #clearBar(): void {
    if (this.#barShown) this.#out.write('\r\x1b[2K');
    this.#barShown = false;
  }
}

function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(0)} k`;
  return String(value);
}

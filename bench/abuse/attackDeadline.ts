import { setMaxListeners } from 'node:events';

/** When an attack must stop: its own duration, or the caller's abort, whichever comes first. */
export class AttackDeadline {
  /** Aborted when the attack must stop. */
  readonly signal: AbortSignal;
  /** Resolves when the attack must stop. */
  readonly reached: Promise<void>;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout;
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.stop();

  /**
   * Starts the clock. The timer is referenced on purpose: an attack whose sockets all closed must
   * still wait out its duration (and keep reconnecting) rather than let the process exit early.
   */
  constructor(durationMs: number, outer?: AbortSignal) {
    this.signal = this.#controller.signal;
    // Every waiting connection slot listens for the stop (thousands, for silent sockets): no cap.
    setMaxListeners(0, this.signal);
    this.reached = new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#timer = setTimeout(() => this.stop(), durationMs);
    this.#outer = outer;
    if (outer?.aborted === true) this.stop();
    else outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  /** True once the attack must stop. */
  get stopped(): boolean {
    return this.signal.aborted;
  }

  /** Stops `durationMs` from now instead: for an attack whose clock should run from its first real effect, not from its launch. */
  restartClock(durationMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.stop(), durationMs);
  }

  /** Stops now (idempotent); releases the timer and the caller's signal. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    if (!this.signal.aborted) this.#controller.abort();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What escaped to the process while a {@link ProcessFaultWatch} was on. */
export interface ProcessFault {
  readonly kind: 'uncaughtException' | 'unhandledRejection';
  readonly error: unknown;
}

/**
 * Records every uncaught exception and unhandled rejection until {@link stop}, so a test can assert
 * that nothing a call did escaped to the process. vitest reports them too, but only after the fact
 * and without saying which step caused them.
 */
export class ProcessFaultWatch {
  readonly faults: ProcessFault[] = [];
  readonly #onException = (error: unknown): void => {
    this.faults.push({ kind: 'uncaughtException', error });
  };
  readonly #onRejection = (error: unknown): void => {
    this.faults.push({ kind: 'unhandledRejection', error });
  };

  constructor() {
    process.on('uncaughtException', this.#onException);
    process.on('unhandledRejection', this.#onRejection);
  }

  /** Each fault as one line, for an assertion message. */
  describe(): string[] {
    return this.faults.map(({ kind, error }) => `${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  /** Removes the listeners. */
  stop(): void {
    process.off('uncaughtException', this.#onException);
    process.off('unhandledRejection', this.#onRejection);
  }
}

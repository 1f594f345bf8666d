import type { Clock, TimerHandle } from '../clock.js';

const STATE_OPEN = 0;
const STATE_CLOSING = 1;
const STATE_CLOSED = 2;
const STATE_FAILED = 3;

/** A file a {@link BatchedFileWriter} can close. */
export interface ClosableFile {
  close(): Promise<void>;
}

/** What a {@link BatchedFileWriter}'s owner does at each step; the writer decides when. */
export interface BatchedWrites<File extends ClosableFile> {
  /** Path of the file, for the owner's stats and messages. */
  readonly path: string;
  /** Opens the file, the first time a batch asks for it. */
  readonly open: (path: string) => Promise<File>;
  /** Writes what is due now (one batch); a throw stops the writer. */
  readonly writeBatch: () => Promise<void>;
  /** True when something is waiting for the next batch. */
  readonly hasPending: () => boolean;
  /** Gives back every buffer held; called once nothing more will be written. */
  readonly release: () => void;
  /** Told once when the file cannot be written. */
  readonly onError?: ((error: Error) => void) | undefined;
}

/**
 * The batching shared by the engine's per-call files (capture, recording): a timer on the given
 * clock runs one batch at a time, never two at once; `close` waits for the batch in flight, writes
 * the last one and closes the file; the first I/O error stops everything, releases the buffers and
 * is reported once. What a batch holds and how it is written stay with the owner.
 *
 * @remarks {@link accepting} and {@link schedule} run on the owner's per-frame path: they allocate
 * nothing.
 * @example
 * ```ts
 * const batches = new BatchedFileWriter(clock, 200, { path, open, writeBatch, hasPending, release, onError });
 * // per frame: if (batches.accepting) { keep the frame; batches.schedule(); }
 * await batches.close(() => writeLastLines());
 * ```
 */
export class BatchedFileWriter<File extends ClosableFile> {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #writes: BatchedWrites<File>;
  readonly #onTimer: () => void;
  #state = STATE_OPEN;
  #timer: TimerHandle | undefined = undefined;
  #inFlight: Promise<void> | undefined = undefined;
  #file: File | undefined = undefined;
  #closing: Promise<void> | undefined = undefined;
  #error: Error | undefined = undefined;

  constructor(clock: Clock, intervalMs: number, writes: BatchedWrites<File>) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#writes = writes;
    this.#onTimer = () => {
      this.#timer = undefined;
      if (this.#state === STATE_OPEN && this.#inFlight === undefined) this.#inFlight = this.#writeOnce();
    };
  }

  /** True while frames may be kept: not closing, closed or failed. */
  get accepting(): boolean {
    return this.#state === STATE_OPEN;
  }

  /** The I/O error that stopped the writer, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** True once the file has been opened. */
  get opened(): boolean {
    return this.#file !== undefined;
  }

  /** Arms the timer for the next batch, unless it is armed or a batch is being written. */
  schedule(): void {
    if (this.#timer === undefined && this.#inFlight === undefined) this.#timer = this.#clock.setTimeout(this.#onTimer, this.#intervalMs);
  }

  /** The file, opened the first time it is asked for. */
  async file(): Promise<File> {
    this.#file ??= await this.#writes.open(this.#writes.path);
    return this.#file;
  }

  /** Resolves once the batch being written, if any, is on disk (or failed). */
  whenIdle(): Promise<void> {
    return this.#inFlight ?? Promise.resolve();
  }

  /**
   * Stops the timer, waits for the batch in flight, runs `writeLast` (unless a write failed), closes
   * the file and releases the buffers. Idempotent: later calls return the same promise. Never rejects.
   */
  close(writeLast: () => Promise<void>): Promise<void> {
    this.#closing ??= this.#finish(writeLast);
    return this.#closing;
  }

  /** Stops the writer for good with `error`, reported once; called only between writes. */
  fail(error: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = error instanceof Error ? error : new Error(String(error));
    if (this.#state === STATE_OPEN) this.#state = STATE_FAILED;
    this.#writes.release();
    this.#writes.onError?.(this.#error);
  }

  async #writeOnce(): Promise<void> {
    try {
      await this.#writes.writeBatch();
    } catch (error) {
      this.fail(error);
    }
    this.#inFlight = undefined;
    if (this.#state === STATE_OPEN && this.#writes.hasPending()) this.schedule();
  }

  async #finish(writeLast: () => Promise<void>): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#state === STATE_OPEN) this.#state = STATE_CLOSING;
    if (this.#inFlight !== undefined) await this.#inFlight;
    if (this.#error === undefined) {
      try {
        await writeLast();
      } catch (error) {
        this.fail(error);
      }
    }
    try {
      await this.#file?.close();
    } catch (error) {
      this.fail(error);
    }
    this.#writes.release();
    this.#state = this.#error === undefined ? STATE_CLOSED : STATE_FAILED;
  }
}

/** `buffers` without their first `count` bytes, for resuming a short vectored write. */
export function skipBytes(buffers: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}

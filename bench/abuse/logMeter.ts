/**
 * Measures how much the engine has written to its log file, the way an operator's disk sees it,
 * without letting a flood fill the bench machine's disk: above `rotateAboveBytes` the file is
 * truncated (the engine appends with O_APPEND, so it carries on at the new end, as with logrotate's
 * copytruncate) and what it held is added to the running total.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { truncate } from 'node:fs/promises';

/** Bytes of log kept as the tail, for the report. */
const TAIL_BYTES = 64 * 1024;

/** Reads the last `bytes` of the file at `path` (less if it is shorter). */
function readTail(path: string, bytes: number): Buffer {
  const size = statSync(path).size;
  const length = Math.min(size, bytes);
  const tail = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return tail;
}

/** See the module comment. */
export class LogMeter {
  readonly #path: string;
  readonly #rotateAboveBytes: number;
  /** Bytes truncated away so far. */
  #rotatedBytes = 0;
  /** The tail of the log as it was at the last truncation. */
  #tailBeforeRotation: Buffer = Buffer.alloc(0);
  #truncating: Promise<void> | undefined;

  constructor(path: string, rotateAboveBytes = 256 * 1024 * 1024) {
    this.#path = path;
    this.#rotateAboveBytes = rotateAboveBytes;
  }

  /**
   * Bytes the engine has written so far. A file grown past the limit is truncated in the
   * background (freeing hundreds of MB of blocks can take a while; the sampler must not stall).
   */
  totalBytes(): number {
    const size = statSync(this.#path).size;
    if (size <= this.#rotateAboveBytes || this.#truncating !== undefined) return this.#rotatedBytes + size;
    this.#tailBeforeRotation = readTail(this.#path, TAIL_BYTES);
    // Lines written between the stat and the truncation are not counted: a few KB at most.
    this.#rotatedBytes += size;
    this.#truncating = truncate(this.#path, 0).finally(() => {
      this.#truncating = undefined;
    });
    return this.#rotatedBytes;
  }

  /** Waits for a truncation still under way (before reading the tail or checking the size). */
  async settled(): Promise<void> {
    await this.#truncating;
  }

  /** The last 64 KB the engine wrote (across a truncation if need be). */
  tail(): Buffer {
    const current = readTail(this.#path, TAIL_BYTES);
    if (current.length >= TAIL_BYTES) return current;
    const joined = Buffer.concat([this.#tailBeforeRotation, current]);
    return joined.subarray(Math.max(0, joined.length - TAIL_BYTES));
  }
}

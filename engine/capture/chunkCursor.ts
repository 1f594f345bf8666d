/**
 * Appends bytes across pool chunks while a batch of capture lines is formatted, and hands the
 * filled chunks over as one list for a single vectored write.
 */
import { CAPTURE_CHUNK_BYTES, type CaptureChunkPool } from './captureChunkPool.js';

/** Decimal digits of the largest safe integer, plus room. */
const MAX_DIGITS = 20;

/** Formats into chunks taken from a pool; reused batch after batch by one writer. */
export class ChunkCursor {
  readonly #pool: CaptureChunkPool;
  readonly #chunks: Buffer[] = [];
  readonly #digits = Buffer.alloc(MAX_DIGITS);
  #current: Buffer | undefined;
  #offset = 0;
  #total = 0;

  constructor(pool: CaptureChunkPool) {
    this.#pool = pool;
  }

  /** Bytes appended since the last {@link release}. */
  get length(): number {
    return this.#total;
  }

  /** Appends one byte. */
  byte(value: number): void {
    if (this.#current === undefined || this.#offset === CAPTURE_CHUNK_BYTES) this.#next();
    this.#current![this.#offset++] = value;
    this.#total++;
  }

  /** Appends an ASCII string (key names, kinds), byte per character. */
  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  /** Appends a non-negative integer in decimal. */
  integer(value: number): void {
    let n = value;
    let at = MAX_DIGITS;
    do {
      this.#digits[--at] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    this.bytes(this.#digits, at, MAX_DIGITS);
  }

  /** Appends `source[start, end)`. */
  bytes(source: Buffer, start: number, end: number): void {
    let from = start;
    while (from < end) {
      if (this.#current === undefined || this.#offset === CAPTURE_CHUNK_BYTES) this.#next();
      const count = Math.min(end - from, CAPTURE_CHUNK_BYTES - this.#offset);
      source.copy(this.#current!, this.#offset, from, from + count);
      this.#offset += count;
      from += count;
    }
    this.#total += end - start;
  }

  /** The filled parts of the chunks, in order, ready for `writev`. Valid until {@link release}. */
  views(): Buffer[] {
    const views: Buffer[] = [];
    for (let i = 0; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i]!;
      views.push(i === this.#chunks.length - 1 ? chunk.subarray(0, this.#offset) : chunk);
    }
    return views;
  }

  /** Gives every chunk back to the pool and starts over empty. */
  release(): void {
    for (const chunk of this.#chunks) this.#pool.give(chunk);
    this.#chunks.length = 0;
    this.#current = undefined;
    this.#offset = 0;
    this.#total = 0;
  }

  #next(): void {
    this.#current = this.#pool.take();
    this.#chunks.push(this.#current);
    this.#offset = 0;
  }
}

/**
 * Finds which pending capture records contain a line break, with one native byte search per
 * chunk rather than a scan per record, since JSON frames almost never contain one.
 */
import { CAPTURE_CHUNK_BYTES } from './captureChunkPool.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** One flag per record of a writer's table: does its message contain `\n` or `\r`? */
export class LineBreakMarks {
  readonly #flags: Uint8Array;

  constructor(records: number) {
    this.#flags = new Uint8Array(records);
  }

  /**
   * Flags the records whose bytes contain a line break. Records are `[starts[i], starts[i] + lengths[i])`
   * in the virtual space of `chunks` (chunk `k` holds positions `k * CAPTURE_CHUNK_BYTES` on),
   * sorted by start, for `i < count`; `used` is the end of the last one.
   */
  mark(chunks: readonly (Buffer | undefined)[], chunkCount: number, used: number, starts: Uint32Array, lengths: Uint32Array, count: number): void {
    for (let k = 0; k < chunkCount; k++) {
      const chunk = chunks[k]!;
      const base = k * CAPTURE_CHUNK_BYTES;
      const end = Math.min(CAPTURE_CHUNK_BYTES, used - base);
      this.#markByte(chunk, NEWLINE, end, base, starts, lengths, count);
      this.#markByte(chunk, CARRIAGE_RETURN, end, base, starts, lengths, count);
    }
  }

  /** True when record `index` was flagged by the last {@link mark}. */
  has(index: number): boolean {
    return this.#flags[index] === 1;
  }

  /** Clears the flags of records `[0, count)`. */
  clear(count: number): void {
    this.#flags.fill(0, 0, count);
  }

  #markByte(chunk: Buffer, byte: number, end: number, base: number, starts: Uint32Array, lengths: Uint32Array, count: number): void {
    // indexOf runs to the end of the chunk; hits past `end` are stale bytes and end the search.
    for (let at = chunk.indexOf(byte, 0); at >= 0 && at < end; at = chunk.indexOf(byte, at + 1)) {
      const record = recordAt(base + at, starts, lengths, count);
      if (record >= 0) this.#flags[record] = 1;
    }
  }
}

/** The record containing `position`, or -1 when it falls in padding between records. */
function recordAt(position: number, starts: Uint32Array, lengths: Uint32Array, count: number): number {
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (starts[mid]! <= position) low = mid + 1;
    else high = mid - 1;
  }
  return high >= 0 && position < starts[high]! + lengths[high]! ? high : -1;
}

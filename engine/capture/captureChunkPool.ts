/**
 * Fixed-size byte chunks shared by every call's capture writer, so buffered frames cost memory in
 * proportion to what is actually pending, and a chunk freed by one call is reused by the next.
 */

/** Size of one chunk: a power of two, so a position splits into chunk and offset with shifts. */
export const CAPTURE_CHUNK_BYTES = 16 * 1024;

/** `log2(CAPTURE_CHUNK_BYTES)`. */
export const CAPTURE_CHUNK_SHIFT = 14;

/** Free chunks kept by default: 16 MiB. */
const DEFAULT_MAX_RETAINED = 1024;

/**
 * A free list of {@link CAPTURE_CHUNK_BYTES}-byte Buffers.
 *
 * @remarks Chunks are not zeroed: writers only ever read back the ranges they wrote. A chunk given
 * back when the list already holds `maxRetained` is left to the garbage collector, so the pool
 * shrinks back after a burst.
 */
export class CaptureChunkPool {
  readonly #free: Buffer[] = [];
  readonly #maxRetained: number;
  #allocated = 0;

  constructor(maxRetained = DEFAULT_MAX_RETAINED) {
    this.#maxRetained = maxRetained;
  }

  /** A chunk, from the free list when it has one. */
  take(): Buffer {
    const chunk = this.#free.pop();
    if (chunk !== undefined) return chunk;
    this.#allocated++;
    return Buffer.allocUnsafeSlow(CAPTURE_CHUNK_BYTES);
  }

  /** Returns a chunk from {@link take}; the caller must not touch it afterwards. */
  give(chunk: Buffer): void {
    if (this.#free.length < this.#maxRetained) this.#free.push(chunk);
  }

  /** Chunks on the free list. */
  get free(): number {
    return this.#free.length;
  }

  /** Chunks ever allocated (not taken from the free list). */
  get allocated(): number {
    return this.#allocated;
  }
}

/** The pool writers use unless given their own. */
export const sharedCaptureChunkPool = new CaptureChunkPool();

/**
 * Fixed-size blocks of PCM16 shared by every call's recorder, so a recording holds memory in
 * proportion to the audio waiting for the disk (about one flush interval), not to its cap, and a
 * block freed by one call is reused by the next.
 */

/** Bytes in one block by default: 32 KiB, 25 ticks of 16 kHz stereo. */
export const RECORDING_BLOCK_BYTES = 32 * 1024;

/** Free blocks kept by default: 8 MiB. */
const DEFAULT_MAX_RETAINED = 256;

/**
 * A free list of zeroed `Int16Array` blocks.
 *
 * @remarks Blocks come out all zeros, which is silence: a recorder only writes the samples it is
 * given and everything else in the block is already silent. {@link give} zeroes a block before
 * keeping it, off the hot path. A block given back when the list already holds `maxRetained` is left
 * to the garbage collector, so the pool shrinks back after a burst.
 * @example
 * const pool = new RecordingBlockPool();
 * const block = pool.take(); // all zeros
 * pool.give(block);
 */
export class RecordingBlockPool {
  /** Samples in one block. */
  readonly blockSamples: number;
  readonly #free: Int16Array[] = [];
  readonly #maxRetained: number;
  #allocated = 0;

  /** @throws RangeError if `blockBytes` is not a positive even integer. */
  constructor(blockBytes = RECORDING_BLOCK_BYTES, maxRetained = DEFAULT_MAX_RETAINED) {
    if (!Number.isInteger(blockBytes) || blockBytes < 2 || blockBytes % 2 !== 0) {
      throw new RangeError(`blockBytes must be a positive even integer, got ${blockBytes}`);
    }
    this.blockSamples = blockBytes / 2;
    this.#maxRetained = maxRetained;
  }

  /** A zeroed block, from the free list when it has one. */
  take(): Int16Array {
    const block = this.#free.pop();
    if (block !== undefined) return block;
    this.#allocated++;
    return new Int16Array(this.blockSamples);
  }

  /** Returns a block from {@link take}; the caller must not touch it afterwards. */
  give(block: Int16Array): void {
    if (this.#free.length >= this.#maxRetained) return;
    block.fill(0);
    this.#free.push(block);
  }

  /** Blocks on the free list. */
  get free(): number {
    return this.#free.length;
  }

  /** Blocks ever allocated (not taken from the free list). */
  get allocated(): number {
    return this.#allocated;
  }
}

/** The pool recorders use unless given their own. */
export const sharedRecordingBlockPool = new RecordingBlockPool();

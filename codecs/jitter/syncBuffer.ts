/**
 * Decoded audio not yet played, as one run of samples from index 0: the playout stage appends whole
 * frames (decoded, concealed or silent), may stretch or shorten the run in place, and takes one
 * frame from its front per tick. Fixed capacity; allocates nothing after construction.
 */
export class SyncBuffer {
  /** The buffered audio is `samples[0, length)`; the rest is room for appends and stretching. */
  readonly samples: Int16Array;
  /** Samples buffered. */
  length = 0;
  /** A view of the first frame, made once: copying through it is a plain memory copy, and allocates nothing. */
  readonly #front: Int16Array;

  constructor(capacity: number, frameSamples: number) {
    this.samples = new Int16Array(capacity);
    this.#front = this.samples.subarray(0, frameSamples);
  }

  /** Appends `source[0, count)`. @throws RangeError when it does not fit (a caller bug). */
  append(source: Int16Array, count: number): void {
    if (this.length + count > this.samples.length) throw new RangeError('SyncBuffer overflow');
    const samples = this.samples;
    if (count === source.length) {
      samples.set(source, this.length);
    } else {
      // A loop, not set(subarray): a subarray is an allocation.
      for (let i = 0, at = this.length; i < count; i++, at++) samples[at] = source[i]!;
    }
    this.length += count;
  }

  /** Moves the first `count` samples into `out[0, count)`; zeros where the buffer runs short. */
  take(out: Int16Array, count: number): void {
    const samples = this.samples;
    const available = count < this.length ? count : this.length;
    if (available === this.#front.length && out.length === available) {
      out.set(this.#front);
    } else {
      for (let i = 0; i < available; i++) out[i] = samples[i]!;
      if (available < count) out.fill(0, available, count);
    }
    if (this.length > available) samples.copyWithin(0, available, this.length);
    this.length -= available;
  }
}

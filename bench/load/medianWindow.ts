/** The median (upper middle) of the last `capacity` values pushed, kept sorted as they come: O(capacity) per push, no allocation. */
export class MedianWindow {
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #size = 0;
  #next = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#ring = new Float64Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  /** Values held (at most the capacity). */
  get size(): number {
    return this.#size;
  }

  /** Adds `value`, dropping the oldest once full. */
  push(value: number): void {
    const sorted = this.#sorted;
    let size = this.#size;
    if (size === this.#ring.length) {
      // Take the oldest value out of the sorted copy.
      const oldest = this.#ring[this.#next] ?? 0;
      let at = 0;
      while (at < size - 1 && (sorted[at] ?? 0) !== oldest) at++;
      sorted.copyWithin(at, at + 1, size);
      size--;
    }
    let at = size;
    while (at > 0 && (sorted[at - 1] ?? 0) > value) {
      sorted[at] = sorted[at - 1] ?? 0;
      at--;
    }
    sorted[at] = value;
    this.#size = size + 1;
    this.#ring[this.#next] = value;
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /** The median (the upper middle value for an even count); NaN when empty. */
  median(): number {
    if (this.#size === 0) return Number.NaN;
    return this.#sorted[this.#size >> 1] ?? Number.NaN;
  }

  /** Forgets every value. */
  clear(): void {
    this.#size = 0;
    this.#next = 0;
  }
}

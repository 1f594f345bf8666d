/** What a `clear` removed from the queue. */
export interface DroppedAudio {
  /** Samples that had not been sent yet. */
  readonly droppedSamples: number;
  /** Marks that had not been sent yet, in queue order. */
  readonly droppedMarks: readonly string[];
}

interface QueuedMark {
  readonly name: string;
  /** Total samples written before this mark: it is due once that many samples have been read. */
  readonly position: number;
}

/** Sizing of an {@link OutboundQueue}. */
export interface OutboundQueueOptions {
  /** Initial ring capacity in samples. */
  readonly initialSamples: number;
  /** Hard cap in samples; writes beyond it are refused. */
  readonly maxSamples: number;
}

/**
 * A call's outbound audio waiting to be paced out: a ring of PCM16 samples with marks placed
 * between samples. The ring doubles when a bot writes more than fits, up to `maxSamples`, and never
 * shrinks, so steady state allocates nothing.
 */
export class OutboundQueue {
  #ring: Int16Array;
  #readIndex = 0;
  #size = 0;
  #written = 0;
  #read = 0;
  readonly #maxSamples: number;
  readonly #marks: QueuedMark[] = [];

  constructor(options: OutboundQueueOptions) {
    this.#ring = new Int16Array(Math.min(options.initialSamples, options.maxSamples));
    this.#maxSamples = options.maxSamples;
  }

  /** Samples queued and not yet read. */
  get queuedSamples(): number {
    return this.#size;
  }

  /** Marks queued and not yet taken. */
  get queuedMarks(): number {
    return this.#marks.length;
  }

  /** Total samples ever read; marks are positioned on this scale. */
  get samplesRead(): number {
    return this.#read;
  }

  /**
   * Copies `pcm[offset, offset + count)` into the queue. Returns how many samples were accepted,
   * which is less than `count` only when the queue hit `maxSamples`.
   */
  write(pcm: Int16Array, offset = 0, count = pcm.length - offset): number {
    const accepted = Math.min(count, this.#maxSamples - this.#size);
    if (accepted <= 0) return 0;
    this.#ensureCapacity(this.#size + accepted);
    const ring = this.#ring;
    const writeIndex = (this.#readIndex + this.#size) % ring.length;
    const firstPart = Math.min(accepted, ring.length - writeIndex);
    copySamples(pcm, offset, ring, writeIndex, firstPart);
    copySamples(pcm, offset + firstPart, ring, 0, accepted - firstPart);
    this.#size += accepted;
    this.#written += accepted;
    return accepted;
  }

  /** Places a mark after everything written so far. */
  mark(name: string): void {
    this.#marks.push({ name, position: this.#written });
  }

  /** Moves up to `count` samples into `out` from index 0; returns how many were moved. */
  read(out: Int16Array, count: number): number {
    const n = Math.min(count, this.#size, out.length);
    const ring = this.#ring;
    const firstPart = Math.min(n, ring.length - this.#readIndex);
    copySamples(ring, this.#readIndex, out, 0, firstPart);
    copySamples(ring, 0, out, firstPart, n - firstPart);
    this.#readIndex = (this.#readIndex + n) % ring.length;
    this.#size -= n;
    this.#read += n;
    return n;
  }

  /** True when the oldest queued mark is due: every sample written before it has been read. */
  hasDueMark(): boolean {
    const first = this.#marks[0];
    return first !== undefined && first.position <= this.#read;
  }

  /**
   * Samples that can be read before the next mark falls due: all queued samples when no mark is
   * queued. A frame cut here lets the mark go out right after the audio it follows.
   */
  get samplesBeforeNextMark(): number {
    const first = this.#marks[0];
    return first === undefined ? this.#size : Math.min(this.#size, Math.max(0, first.position - this.#read));
  }

  /** True when a mark waits right after the samples still queued, so a short tail should go out now. */
  hasMarkAfterQueuedAudio(): boolean {
    return this.#marks.length > 0;
  }

  /** Removes and returns the oldest due mark's name, or undefined when none is due. */
  takeDueMark(): string | undefined {
    if (!this.hasDueMark()) return undefined;
    return this.#marks.shift()?.name;
  }

  /** Drops every queued sample and mark. */
  clear(): DroppedAudio {
    const droppedSamples = this.#size;
    const droppedMarks = this.#marks.map((mark) => mark.name);
    this.#marks.length = 0;
    this.#readIndex = 0;
    this.#read += this.#size;
    this.#written = this.#read;
    this.#size = 0;
    return { droppedSamples, droppedMarks };
  }

  #ensureCapacity(needed: number): void {
    const ring = this.#ring;
    if (needed <= ring.length) return;
    let capacity = Math.max(ring.length, 1);
    while (capacity < needed) capacity *= 2;
    const next = new Int16Array(Math.min(capacity, this.#maxSamples));
    const firstPart = Math.min(this.#size, ring.length - this.#readIndex);
    copySamples(ring, this.#readIndex, next, 0, firstPart);
    copySamples(ring, 0, next, firstPart, this.#size - firstPart);
    this.#ring = next;
    this.#readIndex = 0;
  }
}

/** Element copy; `TypedArray.set(subarray(...))` would allocate a view per call on the 20 ms path. */
function copySamples(from: Int16Array, fromIndex: number, to: Int16Array, toIndex: number, count: number): void {
  for (let i = 0; i < count; i++) to[toIndex + i] = from[fromIndex + i]!;
}

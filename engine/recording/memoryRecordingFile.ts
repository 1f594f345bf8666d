/**
 * A {@link RecordingFile} in memory for tests and benchmarks: positioned writes into a growing
 * buffer, with switches to hold, shorten or fail writes, as a slow or broken disk would.
 */
import type { RecordingFile } from './recordingFile.js';

/** An in-memory recording file whose writes can be held until released, cut short, or failed. */
export class MemoryRecordingFile implements RecordingFile {
  /** While true, audio writes (`writev`) wait for {@link release}. */
  holdData = false;
  /** While true, header writes (`write`) wait for {@link release}. */
  holdHeader = false;
  /** When set, audio writes reject with it. */
  failData: Error | undefined = undefined;
  /** Most bytes one `writev` takes, to exercise short writes. */
  maxBytesPerWrite = Number.POSITIVE_INFINITY;
  /** Completed `writev` calls. */
  dataWrites = 0;
  /** Completed `write` calls. */
  headerWrites = 0;
  closed = false;
  #bytes = Buffer.alloc(0);
  #length = 0;
  readonly #held: (() => void)[] = [];

  async writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }> {
    if (this.holdData) await this.#wait();
    if (this.failData !== undefined) throw this.failData;
    // Concatenated only now, after any hold: the recorder must not touch bytes it handed over.
    const data = Buffer.concat(buffers);
    const taken = Math.min(data.length, this.maxBytesPerWrite);
    this.#put(data.subarray(0, taken), position);
    this.dataWrites++;
    return { bytesWritten: taken };
  }

  async write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    if (this.holdHeader) await this.#wait();
    this.#put(buffer.subarray(offset, offset + length), position);
    this.headerWrites++;
    return { bytesWritten: length };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Lets every held write go on and stops holding. */
  release(): void {
    this.holdData = false;
    this.holdHeader = false;
    for (const resume of this.#held.splice(0)) resume();
  }

  /** Writes waiting for {@link release}. */
  get heldWrites(): number {
    return this.#held.length;
  }

  /** A copy of the file's bytes as they are now, as a reader would see them after a crash. */
  snapshot(): Buffer {
    return Buffer.from(this.#bytes.subarray(0, this.#length));
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve) => this.#held.push(resolve));
  }

  #put(data: Buffer, position: number): void {
    const end = position + data.length;
    if (end > this.#bytes.length) {
      const grown = Buffer.alloc(Math.max(end, this.#bytes.length * 2));
      this.#bytes.copy(grown, 0, 0, this.#length);
      this.#bytes = grown;
    }
    data.copy(this.#bytes, position);
    if (end > this.#length) this.#length = end;
  }
}

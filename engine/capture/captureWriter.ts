/**
 * Records one call's WebSocket traffic as a capture (format v1, bench/capture/FORMAT.md), off the
 * hot path: frames are copied into pooled chunks with a fixed-size record table, and a timer
 * formats and writes them in batches.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CAPTURE_FILE_SUFFIX, CAPTURE_MAGIC, CAPTURE_VERSION, type CaptureHeader, type CaptureMediaFormat, type DroppedCounts } from '../../bench/capture/captureFormat.js';
import { encodeCaptureEvent, encodeCaptureHeader } from '../../bench/capture/encodeCapture.js';
import { systemClock, type Clock } from '../clock.js';
import { BatchedFileWriter, skipBytes } from '../files/batchedFileWriter.js';
import { CAPTURE_CHUNK_BYTES, CAPTURE_CHUNK_SHIFT, sharedCaptureChunkPool, type CaptureChunkPool } from './captureChunkPool.js';
import { ChunkCursor } from './chunkCursor.js';
import { LineBreakMarks } from './lineBreakMarks.js';

const KIND_IN = 0;
const KIND_IN_TEXT = 1;
const KIND_IN_BIN = 2;
const KIND_OUT = 3;
const KIND_NAMES = ['in', 'in-text', 'in-bin', 'out'] as const;
const OFFSET_MASK = CAPTURE_CHUNK_BYTES - 1;
/** `[`, about ten digits of time, `,"in-text",`, `]\n`: what a line adds to its message, roughly. */
const LINE_OVERHEAD_ESTIMATE = 24;

const EMPTY = Buffer.alloc(0);

/** Where a writer puts its lines; a `FileHandle` is one. Injectable for tests. */
export interface CaptureFile {
  /** Writes the buffers in order at the current position. */
  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

/** Opens the file a capture goes to. */
export type OpenCaptureFile = (path: string) => Promise<CaptureFile>;

/** The header fields a caller provides; `callwire` and `version` are the writer's. `inbound` may be set later: see {@link CaptureWriter.setInbound}. */
export type CaptureWriterHeader = Omit<CaptureHeader, 'callwire' | 'version'>;

/** Tuning of {@link CaptureWriter}. */
export interface CaptureWriterOptions {
  /** Cap on the event lines of one call, in bytes (estimated as messages are accepted). Default 64 MiB. */
  readonly maxFileBytes?: number;
  /** Message bytes held while waiting for the disk; beyond this, events are dropped. Default 256 KiB. */
  readonly maxBufferedBytes?: number;
  /** Events held while waiting for the disk. Default 1024. */
  readonly maxBufferedEvents?: number;
  /** Time between batches. Default 200 ms. */
  readonly flushIntervalMs?: number;
  /** Time source of {@link CaptureWriter.now} and of the batch timer; default the process clock. */
  readonly clock?: Clock;
  /** Chunk pool; default the process-wide one. */
  readonly pool?: CaptureChunkPool;
  /** Opens the file; default creates `dir` and opens the file for writing, truncating it. */
  readonly openFile?: OpenCaptureFile;
  /** Told once when the file cannot be written; the writer then records nothing more. */
  readonly onError?: (error: Error) => void;
}

/** What a writer has done so far. */
export interface CaptureWriterStats {
  readonly path: string;
  /** Event lines formatted (and written, or being written). */
  readonly events: number;
  /** Bytes written to the file. */
  readonly fileBytes: number;
  readonly dropped: DroppedCounts;
  /** The I/O error that stopped the writer, if any. */
  readonly error: Error | undefined;
}

/** File name of a call's capture: the call id with anything unsafe in a file name replaced. */
export function captureFileName(callId: string): string {
  return `${callId.replace(/[^A-Za-z0-9._-]/g, '_')}${CAPTURE_FILE_SUFFIX}`;
}

/**
 * Writes one call's capture to `dir/<callId>.capture.jsonl`.
 *
 * @remarks `inbound` and `outbound` run once per frame: they copy the message into pooled chunks
 * and fill a row of a fixed-size record table, allocating nothing. A timer, armed when the first
 * event after a batch arrives, formats the pending events and writes them with one vectored write;
 * only one write is in flight at a time. When the disk falls behind, the buffer fills and events
 * are dropped and counted rather than held; past `maxFileBytes`, the same. The counts go on a
 * `dropped` line before the `close` line. Times are clamped so they never go back. Write errors
 * stop the writer (reported once through `onError`); the call is never disturbed. `close` must be
 * called once the socket closes, or the file stays open.
 * @example
 * const capture = new CaptureWriter(dir, { callId, serviceHost, startedAt: new Date().toISOString(), inbound: null, outbound: null });
 * ws.on('message', (data, isBinary) => capture.inbound(capture.now(), data as Buffer, isBinary, parsedOk));
 * ws.on('close', (code, reason) => void capture.close(code, reason.toString()));
 */
export class CaptureWriter {
  /** Absolute or relative path of the capture file. */
  readonly path: string;
  readonly #header: { -readonly [K in keyof CaptureWriterHeader]: CaptureWriterHeader[K] };
  readonly #clock: Clock;
  readonly #originMs: number;
  readonly #pool: CaptureChunkPool;
  readonly #maxFileBytes: number;
  readonly #maxBufferedBytes: number;
  readonly #maxEvents: number;
  readonly #chunks: (Buffer | undefined)[];
  readonly #times: Float64Array;
  readonly #kinds: Uint8Array;
  readonly #starts: Uint32Array;
  readonly #lengths: Uint32Array;
  readonly #breaks: LineBreakMarks;
  readonly #cursor: ChunkCursor;
  readonly #batches: BatchedFileWriter<CaptureFile>;
  #chunkCount = 0;
  #used = 0;
  #count = 0;
  #acceptedBytes = 0;
  #droppedCap = 0;
  #droppedBuffer = 0;
  #droppedBytes = 0;
  #events = 0;
  #fileBytes = 0;
  #lastT = 0;
  #headerWritten = false;

  constructor(dir: string, header: CaptureWriterHeader, options: CaptureWriterOptions = {}) {
    this.path = join(dir, captureFileName(header.callId));
    this.#header = { ...header };
    this.#clock = options.clock ?? systemClock;
    this.#originMs = this.#clock.now();
    this.#pool = options.pool ?? sharedCaptureChunkPool;
    this.#maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
    this.#maxEvents = options.maxBufferedEvents ?? 1024;
    this.#chunks = new Array<Buffer | undefined>(Math.ceil(this.#maxBufferedBytes / CAPTURE_CHUNK_BYTES)).fill(undefined);
    this.#times = new Float64Array(this.#maxEvents);
    this.#kinds = new Uint8Array(this.#maxEvents);
    this.#starts = new Uint32Array(this.#maxEvents);
    this.#lengths = new Uint32Array(this.#maxEvents);
    this.#breaks = new LineBreakMarks(this.#maxEvents);
    this.#cursor = new ChunkCursor(this.#pool);
    this.#batches = new BatchedFileWriter<CaptureFile>(this.#clock, options.flushIntervalMs ?? 200, {
      path: this.path,
      open: options.openFile ?? openForWriting,
      writeBatch: () => this.#writeBatch(),
      hasPending: () => this.#count > 0,
      release: () => {
        this.#releaseInput();
        this.#cursor.release();
      },
      onError: options.onError,
    });
  }

  /** Microseconds since the writer was created (the socket opened), on the writer's clock. */
  now(): number {
    return Math.round((this.#clock.now() - this.#originMs) * 1000);
  }

  /** Sets the header's `inbound` (from the `start` frame); no effect once the first batch is written. */
  setInbound(format: CaptureMediaFormat | null): void {
    this.#header.inbound = format;
  }

  /** Sets the header's `outbound`; no effect once the first batch is written. */
  setOutbound(format: CaptureMediaFormat | null): void {
    this.#header.outbound = format;
  }

  /**
   * Records a message as received, at `tMicros` since the socket opened. `validJson` says the text
   * parsed as JSON; such text is embedded as is (unless it spans lines), other text becomes
   * `in-text`, binary messages `in-bin`. The bytes are copied; `data` may be reused afterwards.
   */
  inbound(tMicros: number, data: Buffer, isBinary: boolean, validJson: boolean): void {
    if (!this.#batches.accepting) return;
    const kind = isBinary ? KIND_IN_BIN : validJson ? KIND_IN : KIND_IN_TEXT;
    const length = data.length;
    if (length > CAPTURE_CHUNK_BYTES) {
      this.#appendSpanning(tMicros, kind, data);
      return;
    }
    const start = this.#admit(kind, length);
    if (start < 0) return;
    // Whole-buffer copies only: Buffer#copy of part of a buffer allocates a view.
    if (length > 0) data.copy(this.#chunks[start >>> CAPTURE_CHUNK_SHIFT]!, start & OFFSET_MASK);
    this.#commit(tMicros, kind, start, length);
  }

  /** Records a JSON text frame the engine sent, at `tMicros` since the socket opened. */
  outbound(tMicros: number, text: string): void {
    if (!this.#batches.accepting) return;
    const length = Buffer.byteLength(text, 'utf8');
    if (length > CAPTURE_CHUNK_BYTES) {
      // Rare (Telnyx takes up to 30 s per message): a copy is cheaper than splitting UTF-8 across chunks.
      this.#appendSpanning(tMicros, KIND_OUT, Buffer.from(text, 'utf8'));
      return;
    }
    const start = this.#admit(KIND_OUT, length);
    if (start < 0) return;
    if (length > 0) this.#chunks[start >>> CAPTURE_CHUNK_SHIFT]!.write(text, start & OFFSET_MASK, length, 'utf8');
    this.#commit(tMicros, KIND_OUT, start, length);
  }

  /**
   * Writes what is pending, the `dropped` line when something was dropped, and the `close` line,
   * then closes the file. Idempotent: later calls return the same promise. Never rejects; an I/O
   * error is in {@link stats}.
   */
  close(code: number, reason: string, tMicros: number = this.now()): Promise<void> {
    return this.#batches.close(() => this.#writeLast(code, reason, tMicros));
  }

  /** Resolves once the batch being written, if any, is on disk (or failed). */
  whenIdle(): Promise<void> {
    return this.#batches.whenIdle();
  }

  /** Counts so far. */
  get stats(): CaptureWriterStats {
    return { path: this.path, events: this.#events, fileBytes: this.#fileBytes, dropped: this.#droppedCounts(), error: this.#batches.error };
  }

  /**
   * Makes room for `length` bytes and returns where they go, or -1 after counting a drop. A message
   * that fits in a chunk is kept in one (the rest of a chunk too short for it is skipped), so it is
   * copied in and out in one piece.
   */
  #admit(kind: number, length: number): number {
    const estimate = (kind === KIND_IN_BIN ? Math.ceil(length / 3) * 4 : length) + LINE_OVERHEAD_ESTIMATE;
    if (this.#acceptedBytes + estimate > this.#maxFileBytes) {
      this.#droppedCap++;
      this.#droppedBytes += length;
      return -1;
    }
    let start = this.#used;
    if ((start & OFFSET_MASK) + length > CAPTURE_CHUNK_BYTES && length <= CAPTURE_CHUNK_BYTES) start = (start | OFFSET_MASK) + 1;
    const end = start + length;
    if (this.#count === this.#maxEvents || end > this.#maxBufferedBytes) {
      this.#droppedBuffer++;
      this.#droppedBytes += length;
      return -1;
    }
    while (this.#chunkCount << CAPTURE_CHUNK_SHIFT < end) this.#chunks[this.#chunkCount++] = this.#pool.take();
    this.#acceptedBytes += estimate;
    this.#used = end;
    return start;
  }

  #commit(tMicros: number, kind: number, start: number, length: number): void {
    const index = this.#count++;
    this.#times[index] = tMicros;
    this.#kinds[index] = kind;
    this.#starts[index] = start;
    this.#lengths[index] = length;
    this.#batches.schedule();
  }

  /** A message larger than a chunk (rare): copied across chunks, at the cost of a few views. */
  #appendSpanning(tMicros: number, kind: number, bytes: Buffer): void {
    const start = this.#admit(kind, bytes.length);
    if (start < 0) return;
    for (let from = 0; from < bytes.length; ) {
      const at = start + from;
      const count = Math.min(bytes.length - from, CAPTURE_CHUNK_BYTES - (at & OFFSET_MASK));
      bytes.copy(this.#chunks[at >>> CAPTURE_CHUNK_SHIFT]!, at & OFFSET_MASK, from, from + count);
      from += count;
    }
    this.#commit(tMicros, kind, start, bytes.length);
  }

  async #writeBatch(): Promise<void> {
    this.#formatPending();
    await this.#writeFormatted();
  }

  /** The last batch: what is pending, the `dropped` line when something was dropped, and the `close` line. */
  async #writeLast(code: number, reason: string, tMicros: number): Promise<void> {
    this.#formatPending();
    const t = this.#clampTime(tMicros);
    if (this.#droppedCap + this.#droppedBuffer > 0) this.#appendLine(encodeCaptureEvent({ kind: 'dropped', t, dropped: this.#droppedCounts() }));
    this.#appendLine(encodeCaptureEvent({ kind: 'close', t, code, reason }));
    await this.#writeFormatted();
  }

  /** Formats every pending event (after the header, the first time) into the cursor and frees the input chunks. */
  #formatPending(): void {
    if (!this.#headerWritten) {
      this.#appendLine(Buffer.from(`${encodeCaptureHeader({ callwire: CAPTURE_MAGIC, version: CAPTURE_VERSION, ...this.#header })}\n`, 'utf8'));
      this.#headerWritten = true;
    }
    const count = this.#count;
    this.#breaks.mark(this.#chunks, this.#chunkCount, this.#used, this.#starts, this.#lengths, count);
    const cursor = this.#cursor;
    for (let i = 0; i < count; i++) {
      let kind = this.#kinds[i]!;
      const start = this.#starts[i]!;
      const length = this.#lengths[i]!;
      // An empty message cannot be embedded as JSON either.
      const spansLines = this.#breaks.has(i) || length === 0;
      if (kind === KIND_IN && spansLines) kind = KIND_IN_TEXT;
      cursor.byte(0x5b); // [
      cursor.integer(this.#clampTime(this.#times[i]!));
      cursor.ascii(',"');
      cursor.ascii(KIND_NAMES[kind]!);
      cursor.ascii('",');
      if (kind === KIND_IN_TEXT) this.#appendText(JSON.stringify(this.#slice(start, length).toString('utf8')));
      else if (kind === KIND_IN_BIN) this.#appendText(`"${this.#slice(start, length).toString('base64')}"`);
      else if (spansLines) this.#appendText(singleLine(this.#slice(start, length).toString('utf8')));
      else this.#copyInput(start, length);
      cursor.ascii(']\n');
      this.#events++;
    }
    this.#breaks.clear(count);
    this.#releaseInput();
  }

  async #writeFormatted(): Promise<void> {
    const length = this.#cursor.length;
    if (length === 0) return;
    const file = await this.#batches.file();
    let views = this.#cursor.views();
    let written = (await file.writev(views)).bytesWritten;
    for (let total = written; total < length; total += written) {
      views = skipBytes(views, written);
      written = (await file.writev(views)).bytesWritten;
      if (written <= 0) throw new Error(`capture write made no progress on ${this.path}`);
    }
    this.#fileBytes += length;
    this.#cursor.release();
  }

  #appendLine(line: Buffer): void {
    this.#cursor.bytes(line, 0, line.length);
  }

  #appendText(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.#cursor.bytes(bytes, 0, bytes.length);
  }

  #copyInput(start: number, length: number): void {
    for (let at = start, end = start + length; at < end; ) {
      const offset = at & OFFSET_MASK;
      const count = Math.min(end - at, CAPTURE_CHUNK_BYTES - offset);
      this.#cursor.bytes(this.#chunks[at >>> CAPTURE_CHUNK_SHIFT]!, offset, offset + count);
      at += count;
    }
  }

  /** Input bytes `[start, start + length)`: a view when they sit in one chunk, else a copy. */
  #slice(start: number, length: number): Buffer {
    if (length === 0) return EMPTY;
    const offset = start & OFFSET_MASK;
    if (offset + length <= CAPTURE_CHUNK_BYTES) return this.#chunks[start >>> CAPTURE_CHUNK_SHIFT]!.subarray(offset, offset + length);
    const copy = Buffer.allocUnsafe(length);
    for (let from = 0; from < length; ) {
      const at = start + from;
      const count = Math.min(length - from, CAPTURE_CHUNK_BYTES - (at & OFFSET_MASK));
      this.#chunks[at >>> CAPTURE_CHUNK_SHIFT]!.copy(copy, from, at & OFFSET_MASK, (at & OFFSET_MASK) + count);
      from += count;
    }
    return copy;
  }

  #clampTime(tMicros: number): number {
    const t = tMicros > 0 ? Math.round(tMicros) : 0;
    if (t > this.#lastT) this.#lastT = t;
    return this.#lastT;
  }

  #releaseInput(): void {
    for (let i = 0; i < this.#chunkCount; i++) {
      this.#pool.give(this.#chunks[i]!);
      this.#chunks[i] = undefined;
    }
    this.#chunkCount = 0;
    this.#used = 0;
    this.#count = 0;
  }

  #droppedCounts(): DroppedCounts {
    return { events: this.#droppedCap + this.#droppedBuffer, bytes: this.#droppedBytes, cap: this.#droppedCap, buffer: this.#droppedBuffer };
  }
}

async function openForWriting(path: string): Promise<CaptureFile> {
  await mkdir(dirname(path), { recursive: true });
  return open(path, 'w');
}

/** A JSON text on one line: line breaks can only be whitespace between tokens, so re-serializing removes them. */
function singleLine(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return JSON.stringify(text);
  }
}

/** Reads capture files (format v1, bench/capture/FORMAT.md) as a stream of lines. */
import { createReadStream } from 'node:fs';
import type { Capture, CaptureEvent, CaptureHeader } from './captureFormat.js';
import { CaptureFormatError, CaptureFormatErrorCode } from './captureFormatError.js';
import { captureLines } from './captureLines.js';
import { parseEventLine, parseHeaderLine } from './parseCaptureLine.js';

/** Options of {@link readCapture}. */
export interface ReadCaptureOptions {
  /** Longest line accepted, in bytes; a guard against files that are not captures. Default 16 MiB. */
  readonly maxLineBytes?: number;
}

/** Default of {@link ReadCaptureOptions.maxLineBytes}. */
export const DEFAULT_MAX_CAPTURE_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a capture file: its header and every event, in file order.
 *
 * @remarks The file is read in chunks, never as one string. Each `in` and `out` event's `data` is
 * the frame's bytes sliced from its line, so a replay sends exactly what was received. A capture
 * cut short (no `close` line, as after a crash) is returned as far as it goes.
 * @throws CaptureFormatError with the 1-based line number when the file breaks the format.
 * @example
 * const { header, events } = await readCapture('calls/c-1.capture.jsonl');
 * for (const event of events) if (event.kind === 'in') ws.send(event.data, { binary: false });
 */
export async function readCapture(path: string, options: ReadCaptureOptions = {}): Promise<Capture> {
  return parseCaptureStream(createReadStream(path, { highWaterMark: 256 * 1024 }), options);
}

/** {@link readCapture} over any byte stream (a file stream, a socket, an array of chunks). */
export async function parseCaptureStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: ReadCaptureOptions = {}): Promise<Capture> {
  let header: CaptureHeader | undefined;
  const events: CaptureEvent[] = [];
  const order = new EventOrder();
  for await (const { bytes, number } of captureLines(source, options.maxLineBytes ?? DEFAULT_MAX_CAPTURE_LINE_BYTES)) {
    if (header === undefined) {
      header = parseHeaderLine(bytes, number);
      continue;
    }
    if (bytes.length === 0) throw new CaptureFormatError(CaptureFormatErrorCode.BadEvent, number, 'empty line');
    const event = parseEventLine(bytes, number);
    order.check(event, number);
    events.push(event);
  }
  if (header === undefined) throw new CaptureFormatError(CaptureFormatErrorCode.Empty, 1, 'empty file: a capture starts with its header');
  return { header, events };
}

/** {@link readCapture} over bytes already in memory. */
export async function parseCapture(bytes: Uint8Array, options: ReadCaptureOptions = {}): Promise<Capture> {
  return parseCaptureStream([bytes], options);
}

/** The ordering rules: times never go back, `dropped` comes at most once and only `close` follows it, nothing follows `close`. */
class EventOrder {
  #lastT = 0;
  #sawDropped = false;
  #sawClose = false;

  check(event: CaptureEvent, line: number): void {
    const bad = (why: string) => new CaptureFormatError(CaptureFormatErrorCode.BadOrder, line, why);
    if (this.#sawClose) throw bad('nothing may follow the "close" line');
    if (event.t < this.#lastT) throw bad(`time goes back from ${this.#lastT} to ${event.t} µs`);
    if (this.#sawDropped && event.kind !== 'close') throw bad('only "close" may follow the "dropped" line');
    this.#lastT = event.t;
    if (event.kind === 'dropped') this.#sawDropped = true;
    if (event.kind === 'close') this.#sawClose = true;
  }
}

/** Splits a byte stream into lines, for the capture reader. */
import { CaptureFormatError, CaptureFormatErrorCode } from './captureFormatError.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** One line without its terminator, and its 1-based number. */
export interface NumberedLine {
  readonly bytes: Buffer;
  readonly number: number;
}

/**
 * Yields the `\n`-terminated lines of `source`, without the `\n` (and without a `\r` before it).
 * A last line without a newline is yielded too; an empty file yields nothing.
 *
 * @remarks A line is a view into the chunk it sits in, or a copy when it spans chunks.
 * @throws CaptureFormatError `CW_CAPTURE_LINE_TOO_LONG` when a line passes `maxLineBytes`.
 */
export async function* captureLines(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<NumberedLine> {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const piece of source) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      number++;
      if (pendingBytes + end - start > maxLineBytes) throw tooLong(number, maxLineBytes);
      const bytes = pending.length === 0 ? chunk.subarray(start, end) : Buffer.concat([...pending, chunk.subarray(start, end)]);
      pending.length = 0;
      pendingBytes = 0;
      yield { bytes: withoutCarriageReturn(bytes), number };
      start = end + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong(number + 1, maxLineBytes);
      pending.push(chunk.subarray(start));
    }
  }
  if (pendingBytes > 0) yield { bytes: withoutCarriageReturn(Buffer.concat(pending)), number: number + 1 };
}

function withoutCarriageReturn(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.subarray(0, bytes.length - 1) : bytes;
}

function tooLong(line: number, maxLineBytes: number): CaptureFormatError {
  return new CaptureFormatError(CaptureFormatErrorCode.LineTooLong, line, `line longer than ${maxLineBytes} bytes`);
}

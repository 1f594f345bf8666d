import { CodedError } from '../../engine/errors/codedError.js';

/** Stable codes for files that are not valid captures (see bench/capture/FORMAT.md). */
export const CaptureFormatErrorCode = {
  /** The file has no lines at all. */
  Empty: 'CW_CAPTURE_EMPTY',
  /** A line is not valid JSON, or is not UTF-8. */
  NotJson: 'CW_CAPTURE_NOT_JSON',
  /** Line 1 is not a capture header, or names a version this code does not read. */
  BadHeader: 'CW_CAPTURE_BAD_HEADER',
  /** An event line has the wrong shape: not `[t, kind, value]`, unknown kind, bad value. */
  BadEvent: 'CW_CAPTURE_BAD_EVENT',
  /** Times go backwards, or a line follows `close`, or `dropped` appears twice. */
  BadOrder: 'CW_CAPTURE_BAD_ORDER',
  /** A line is longer than the reader accepts. */
  LineTooLong: 'CW_CAPTURE_LINE_TOO_LONG',
} as const;

/** One of {@link CaptureFormatErrorCode}. */
export type CaptureFormatErrorCode = (typeof CaptureFormatErrorCode)[keyof typeof CaptureFormatErrorCode];

/**
 * A capture file that does not follow the format, with the line where it goes wrong.
 *
 * @remarks Not retryable: the file itself is wrong.
 */
export class CaptureFormatError extends CodedError<CaptureFormatErrorCode> {
  override readonly name = 'CaptureFormatError';
  /** 1-based line number in the file. */
  readonly line: number;
  /** Reading the same file again fails the same way. */
  readonly retryable = false;

  constructor(code: CaptureFormatErrorCode, line: number, message: string, options?: ErrorOptions) {
    super(code, `line ${line}: ${message}`, options);
    this.line = line;
  }
}

/** True when `error` is a {@link CaptureFormatError}. */
export function isCaptureFormatError(error: unknown): error is CaptureFormatError {
  return error instanceof CaptureFormatError;
}

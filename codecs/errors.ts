import { CodedError } from '../engine/errors/codedError.js';

/** Stable codes for errors raised by `codecs/`. */
export const CodecErrorCode = {
  /** The stream asks for an encoding or sample rate this build cannot code. */
  UnsupportedCodec: 'CW_UNSUPPORTED_CODEC',
} as const;

/** One of {@link CodecErrorCode}. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/**
 * A stream's media format names a codec, or a codec/rate pair, that has no implementation.
 *
 * @remarks Not retryable: the same `start` frame will fail the same way, so the leg should be
 * refused rather than retried.
 */
export class UnsupportedCodecError extends CodedError<typeof CodecErrorCode.UnsupportedCodec> {
  override readonly name = 'UnsupportedCodecError';
  /** Retrying with the same format cannot succeed. */
  readonly retryable = false;
  /** The encoding as the stream spelled it. */
  readonly encoding: string;
  /** The requested sample rate, in Hz. */
  readonly sampleRate: number;

  constructor(encoding: string, sampleRate: number, message: string) {
    super(CodecErrorCode.UnsupportedCodec, message);
    this.encoding = encoding;
    this.sampleRate = sampleRate;
  }
}

/** True when `error` is an {@link UnsupportedCodecError}. */
export function isUnsupportedCodecError(error: unknown): error is UnsupportedCodecError {
  return error instanceof UnsupportedCodecError;
}

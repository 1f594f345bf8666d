import { CodedError } from '../../engine/errors/codedError.js';

/** Stable codes for errors raised by `codecs/opus/`. */
export const OpusErrorCode = {
  /** libopus rejected the packet (corrupt or truncated framing), or the payload was empty or oversized. */
  InvalidPacket: 'CW_OPUS_INVALID_PACKET',
  /** The packet or frame does not fit the output buffer the caller passed. */
  OutputTooSmall: 'CW_OPUS_OUTPUT_TOO_SMALL',
  /** The encoder was given more samples than one frame. */
  FrameTooLong: 'CW_OPUS_FRAME_TOO_LONG',
  /** An encoder setting is out of range. */
  InvalidOption: 'CW_OPUS_INVALID_OPTION',
  /** The coder was closed; a closed coder never touches native state again. */
  Closed: 'CW_OPUS_CLOSED',
} as const;

/** One of {@link OpusErrorCode}. */
export type OpusErrorCode = (typeof OpusErrorCode)[keyof typeof OpusErrorCode];

/** Codes after which the same coder can go on with the next frame. */
const RECOVERABLE: ReadonlySet<OpusErrorCode> = new Set([OpusErrorCode.InvalidPacket, OpusErrorCode.OutputTooSmall, OpusErrorCode.FrameTooLong]);

/**
 * An Opus encode or decode call failed.
 *
 * @remarks `recoverable` says whether the coder can be used for the next frame (a bad packet is
 * dropped, not fatal); nothing here is `retryable`, since the same input fails the same way.
 */
export class OpusCodecError extends CodedError<OpusErrorCode> {
  override readonly name = 'OpusCodecError';
  /** Retrying with the same input cannot succeed. */
  readonly retryable = false;
  /** The coder is still usable for the next frame. */
  readonly recoverable: boolean;

  constructor(code: OpusErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.recoverable = RECOVERABLE.has(code);
  }
}

/** True when `error` is an {@link OpusCodecError}. */
export function isOpusCodecError(error: unknown): error is OpusCodecError {
  return error instanceof OpusCodecError;
}

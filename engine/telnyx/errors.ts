import { CodedError } from '../errors/codedError.js';
/** Stable codes for frames the edge cannot accept. Each is counted per call; its log lines are budgeted. */
export const ProtocolErrorCode = {
  /** The message is not valid JSON. */
  MalformedJson: 'CW_MALFORMED_JSON',
  /** The message is JSON but not a Telnyx frame (no `event`, wrong field types, missing fields). */
  InvalidFrame: 'CW_INVALID_FRAME',
  /** A `media` payload is not valid base64. */
  InvalidBase64: 'CW_INVALID_BASE64',
  /** A `media` payload decodes to more bytes than the parser accepts. */
  PayloadTooLarge: 'CW_PAYLOAD_TOO_LARGE',
  /** A `media` payload does not fit the stream's codec (for example an odd byte count for L16). */
  BadPayloadSize: 'CW_BAD_PAYLOAD_SIZE',
  /** A binary WebSocket message; Telnyx sends only text. */
  BinaryMessage: 'CW_BINARY_MESSAGE',
  /** `media` arrived before `start`. */
  MediaBeforeStart: 'CW_MEDIA_BEFORE_START',
  /** A second `start` on the same stream. */
  DuplicateStart: 'CW_DUPLICATE_START',
  /** More inbound messages than the call's rate limit allows; dropped. */
  RateLimited: 'CW_RATE_LIMITED',
  /** A control frame (not `start` or `connected`) far larger than Telnyx ever sends; dropped unread. */
  FrameTooLarge: 'CW_FRAME_TOO_LARGE',
} as const;

/** One of {@link ProtocolErrorCode}. */
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** A frame the edge rejected. The call goes on; the frame is dropped. */
export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
}

/** True when `error` is a {@link ProtocolError}. */
export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

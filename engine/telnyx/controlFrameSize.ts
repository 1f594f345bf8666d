import { ProtocolError, ProtocolErrorCode } from './errors.js';

/**
 * Largest control frame other than `start` and `connected` that is read: Telnyx's `dtmf`, `mark`,
 * `stop` and `error` frames are a few hundred bytes. Larger ones are dropped unread.
 */
export const MAX_CONTROL_FRAME_BYTES = 4096;

/** Event names a large message may carry and still be read (media whose form the fast path refused). */
const LARGE_FRAME_MARKERS = [Buffer.from('"start"', 'latin1'), Buffer.from('"connected"', 'latin1'), Buffer.from('"media"', 'latin1')];

/**
 * Thrown for each oversized control frame: made once, as building an Error (and its stack) per
 * message would let a flood cost more than the work it is refused.
 */
export const FRAME_TOO_LARGE = new ProtocolError(ProtocolErrorCode.FrameTooLarge, `control frame larger than ${MAX_CONTROL_FRAME_BYTES} bytes`);

/**
 * True when a message is too large to be read at all: over {@link MAX_CONTROL_FRAME_BYTES} and
 * naming none of the events that may be that large (a byte search, before any parsing).
 */
export function tooLargeToRead(data: Buffer): boolean {
  if (data.length <= MAX_CONTROL_FRAME_BYTES) return false;
  for (const marker of LARGE_FRAME_MARKERS) if (data.indexOf(marker) >= 0) return false;
  return true;
}

/** True when a parsed frame of `bytes` is a control frame larger than any Telnyx sends of its kind. */
export function oversizedControlFrame(event: string, bytes: number): boolean {
  return bytes > MAX_CONTROL_FRAME_BYTES && event !== 'start' && event !== 'connected' && event !== 'media';
}

/** Counters of one call, summed up in its last log line. */
export interface CallStats {
  messagesIn: number;
  framesIn: number;
  /** `media` frames of the `outbound` track (sent with `both_tracks`), which are not the caller. */
  otherTrackFrames: number;
  rejectedFrames: number;
  telnyxErrors: number;
  /** Outbound frames dropped because the socket's send buffer was over its cap (the far end stopped reading). */
  outboundDropped: number;
  /** Rejections by protocol error code (`CW_...`). */
  readonly rejectedByCode: Map<string, number>;
}

/** Fresh counters for a new call. */
export function newCallStats(): CallStats {
  return { messagesIn: 0, framesIn: 0, otherTrackFrames: 0, rejectedFrames: 0, telnyxErrors: 0, outboundDropped: 0, rejectedByCode: new Map() };
}

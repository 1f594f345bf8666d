/** Per-call size limits. */
export interface CallLimits {
  /** Largest decoded media payload accepted, in bytes. */
  readonly maxPayloadBytes: number;
  /** Cap on queued outbound audio, in milliseconds. */
  readonly maxQueuedAudioMs: number;
  /** Sustained inbound messages per second a call may send (Telnyx sends about 50); beyond it messages are dropped. Default 200. */
  readonly maxInboundMessagesPerSecond?: number | undefined;
  /** Messages that may arrive at once above that rate, e.g. the backlog after a network stall. Default 1000 (20 s of media). */
  readonly inboundBurstMessages?: number | undefined;
  /** Bytes the socket may hold unsent (a reader that stopped reading); beyond it outbound frames are dropped. Default 1 MiB. */
  readonly maxSendBufferBytes?: number | undefined;
  /**
   * Rejected frames (malformed, oversized, over the message rate, ...) a call may send within 10 s
   * before it is closed with 1008 `protocol_violation`: Telnyx sends none. Default 100.
   */
  readonly maxRejectedFramesPer10s?: number | undefined;
}

/** What a reorder slot holds. */
export const SlotState = {
  /** Nothing, or a packet that was evicted or reset away. */
  Empty: 0,
  /** A packet waiting to be released. */
  Buffered: 1,
  /** A packet already handed out; its key is kept so a second copy is recognised as a duplicate. */
  Released: 2,
} as const;

/** One of {@link SlotState}. */
export type SlotState = (typeof SlotState)[keyof typeof SlotState];

/** An inbound media packet as the reorder stage hands it out: its own copy of the payload. */
export interface OrderedPacket {
  /** Unbounded frame index on the media-time axis (see `PacketKeys`): consecutive frames have consecutive keys, a skipped frame leaves one unused. */
  readonly key: number;
  /** Telnyx `sequence_number`, or -1. */
  readonly sequenceNumber: number;
  /** `media.chunk`, or -1. */
  readonly chunk: number;
  /** `media.timestamp`, or -1. */
  readonly timestamp: number;
  /** When the packet was pushed, in clock milliseconds. */
  readonly arrivalMs: number;
  /** Payload bytes are `payload[0, length)`. */
  readonly payload: Uint8Array;
  readonly length: number;
}

/**
 * A packet held by the reorder stage, from a pool sized to the most packets the call ever held at
 * once. Its payload is its own buffer, filled by copying, so the parser can reuse its buffer for the
 * next message.
 */
export class BufferedPacket implements OrderedPacket {
  key = 0;
  sequenceNumber = -1;
  chunk = -1;
  timestamp = -1;
  arrivalMs = -0;
  length = 0;
  payload: Uint8Array;

  constructor(payload: Uint8Array) {
    this.payload = payload;
  }
}

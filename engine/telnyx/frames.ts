/**
 * The Telnyx media-streaming frames, as the engine sees them after parsing at the edge
 * (see ../shared/reference/telnyx.md §1.2). Nothing past `engine/telnyx` sees raw JSON.
 */

/** `start.media_format`: what Telnyx sends to us. */
export interface MediaFormat {
  /** Codec name, upper-cased (`PCMU`, `PCMA`, `L16`, `OPUS`, ...). */
  readonly encoding: string;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Channel count; Telnyx streams mono. */
  readonly channels: number;
}

/** Everything the `start` frame says about the call; handed to the bot as is. */
export interface StreamStart {
  readonly streamId: string;
  readonly callControlId: string;
  readonly callSessionId: string;
  readonly userId: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly tags: readonly string[];
  /** Base64 `client_state` given to the Call Control command that started the stream. */
  readonly clientState: string | undefined;
  /** `<Parameter>` children of the TeXML `<Stream>`, or `custom_parameters` of `streaming_start`. */
  readonly customParameters: Readonly<Record<string, string>>;
  readonly mediaFormat: MediaFormat;
}

/** `connected`: the first frame. */
export interface ConnectedFrame {
  readonly event: 'connected';
  readonly version: string | undefined;
  /** `x-telnyx-streaming-auth-token` when the stream was started with one. */
  readonly authToken: string | undefined;
}

/** `start`: call and media description. */
export interface StartFrame {
  readonly event: 'start';
  readonly sequenceNumber: number | undefined;
  readonly start: StreamStart;
}

/** `dtmf`: one key press. */
export interface DtmfFrame {
  readonly event: 'dtmf';
  readonly digit: string;
  readonly occurredAt: string | undefined;
  readonly sequenceNumber: number | undefined;
}

/** `mark`: Telnyx echoes a mark we sent. */
export interface MarkFrame {
  readonly event: 'mark';
  readonly name: string;
  readonly sequenceNumber: number | undefined;
}

/** `stop`: the last frame of a stream. */
export interface StopFrame {
  readonly event: 'stop';
  readonly callControlId: string | undefined;
  readonly sequenceNumber: number | undefined;
}

/** `error`: Telnyx reports a problem with what we sent (codes 100002 to 100005). */
export interface TelnyxErrorFrame {
  readonly event: 'error';
  readonly code: number;
  readonly title: string;
  readonly detail: string | undefined;
}

/** A well-formed frame whose `event` we do not know; logged and ignored. */
export interface UnknownFrame {
  readonly event: 'unknown';
  readonly name: string;
}

/** Every inbound frame except `media`. */
export type ControlFrame =
  | ConnectedFrame
  | StartFrame
  | DtmfFrame
  | MarkFrame
  | StopFrame
  | TelnyxErrorFrame
  | UnknownFrame;

/** Which side of the call a media frame carries; only `inbound` is the caller. */
export type MediaTrack = 'inbound' | 'outbound';

/**
 * One inbound `media` frame. The parser owns a single instance per call and overwrites it for every
 * frame, so a consumer must copy what it keeps before the next frame is parsed.
 */
export class MediaPacket {
  /** Discriminant shared with {@link ControlFrame}. */
  readonly event = 'media' as const;
  /** Top-level `sequence_number`, or -1 when absent. */
  sequenceNumber = -1;
  /** `media.chunk`, or -1 when absent. */
  chunk = -1;
  /** `media.timestamp`, or -1 when absent. */
  timestamp = -1;
  track: MediaTrack = 'inbound';
  /** Decoded payload bytes are `payload[0, length)`. */
  length = 0;
  /**
   * Reused payload storage. It may be replaced by a larger one (rarely, up to `maxPayloadBytes`), so
   * read it anew for each frame.
   */
  payload: Buffer;
  /** Largest payload storage this packet grows to; by default its initial size (no growth). */
  readonly maxPayloadBytes: number;

  constructor(payloadBytes: number, maxPayloadBytes = payloadBytes) {
    this.maxPayloadBytes = Math.max(payloadBytes, maxPayloadBytes);
    this.payload = Buffer.alloc(payloadBytes);
  }

  /**
   * Makes `payload` large enough for `base64Length` characters of base64, up to `maxPayloadBytes`
   * (a larger payload is then refused by the decode). At least doubles, so growth stays rare.
   */
  reserveForBase64(base64Length: number): void {
    const needed = Math.ceil((base64Length * 3) / 4);
    const current = this.payload.length;
    if (needed <= current || current >= this.maxPayloadBytes) return;
    this.payload = Buffer.alloc(Math.min(this.maxPayloadBytes, Math.max(needed, current * 2)));
  }
}

/** What the parser returns for one WebSocket message. */
export type InboundFrame = MediaPacket | ControlFrame;

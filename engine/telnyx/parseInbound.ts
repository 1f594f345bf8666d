import { BASE64_OVERFLOW, base64DecodeInto } from './base64Into.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { MediaPacket, type InboundFrame, type MediaTrack } from './frames.js';
import { invalidFrame, parseControlFrame } from './inboundSchemas.js';
import { MediaFrameScanner } from './mediaScanner.js';
import { UINT_INVALID, toUint } from './uintField.js';

/** Options of a {@link TelnyxFrameParser}. */
export interface TelnyxFrameParserOptions {
  /** Largest decoded `media` payload accepted, in bytes; the reused packet buffer grows up to it. */
  readonly maxPayloadBytes: number;
  /** Try the allocation-free `media` scanner before `JSON.parse` (default true; false is for tests and as a kill switch). */
  readonly fastPath?: boolean;
}

/** How often each path of a {@link TelnyxFrameParser} ran. */
export interface TelnyxFrameParserStats {
  /** `media` frames the scanner handled. */
  fastPath: number;
  /** Messages that went through `JSON.parse`: every control frame, and media the scanner refused. */
  slowPath: number;
}

/** Payload storage a parser starts with: 20 ms of 8 kHz L16. */
const INITIAL_PAYLOAD_BYTES = 320;

const COUNTER_MESSAGE = 'expected a non-negative integer or a string of digits';

/**
 * Turns one Telnyx WebSocket text message into an {@link InboundFrame}, at the edge.
 *
 * @remarks `media` frames first go through an allocation-free scanner ({@link MediaFrameScanner})
 * that decodes the payload straight from the message bytes; anything it does not accept goes
 * through `JSON.parse` and hand validation, so both paths give the same result. Control frames are
 * validated with zod. The parser owns ONE {@link MediaPacket} (`packet`), returned for every media
 * frame and overwritten by the next `parse` call, whatever that call returns or throws: copy what you
 * keep. Binary messages are the caller's business.
 *
 * @example
 * ```ts
 * const parser = new TelnyxFrameParser({ maxPayloadBytes: 4096 });
 * ws.on('message', (data, isBinary) => {
 *   const frame = parser.parse(data as Buffer);
 *   if (frame.event === 'media') decode(frame.payload, frame.length);
 * });
 * ```
 */
export class TelnyxFrameParser {
  /** The packet every media frame is parsed into. */
  readonly packet: MediaPacket;
  /** Path counters, for metrics. */
  readonly stats: TelnyxFrameParserStats = { fastPath: 0, slowPath: 0 };
  readonly #scanner: MediaFrameScanner | undefined;

  constructor(options: TelnyxFrameParserOptions) {
    const { maxPayloadBytes } = options;
    if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 0) {
      throw new RangeError(`maxPayloadBytes must be a non-negative integer, got ${maxPayloadBytes}`);
    }
    // Sized for 20 ms of 8 kHz L16 (twice PCMU's) and grown on a larger payload, so a call does not
    // hold the largest accepted payload for every frame.
    this.packet = new MediaPacket(Math.min(INITIAL_PAYLOAD_BYTES, maxPayloadBytes), maxPayloadBytes);
    this.#scanner = options.fastPath === false ? undefined : new MediaFrameScanner();
  }

  /**
   * Parses one text message.
   *
   * @throws {@link ProtocolError} `CW_MALFORMED_JSON` (not JSON), `CW_INVALID_FRAME` (not a frame
   * object, no string `event`, or a field of the wrong type; the message names the event and path),
   * `CW_INVALID_BASE64` or `CW_PAYLOAD_TOO_LARGE` (media payload). Nothing else.
   */
  parse(data: Buffer): InboundFrame {
    if (this.#scanner !== undefined && this.#scanner.scan(data, this.packet)) {
      this.stats.fastPath++;
      return this.packet;
    }
    this.stats.slowPath++;
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new ProtocolError(ProtocolErrorCode.MalformedJson, 'message is not valid JSON', { cause: error });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidFrame, 'message is not a JSON object');
    }
    const event = (json as { event?: unknown }).event;
    if (typeof event !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidFrame, 'frame has no string "event"');
    try {
      return event === 'media' ? this.#parseMedia(json as Record<string, unknown>) : parseControlFrame(event, json);
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      // A hostile frame can still break a schema's own code (a value nested thousands deep overflows
      // the stack when printed): it is a bad frame like any other, not an engine failure.
      throw new ProtocolError(ProtocolErrorCode.InvalidFrame, `invalid ${event} frame: ${error instanceof Error ? error.name : 'error'}`, { cause: error });
    }
  }

  /** The slow path for `media`: validates the parsed frame by hand and decodes into the packet. */
  #parseMedia(frame: Record<string, unknown>): MediaPacket {
    const media = frame['media'];
    if (typeof media !== 'object' || media === null || Array.isArray(media)) throw invalidFrame('media', 'media', 'expected an object');
    const fields = media as Record<string, unknown>;
    const payload = fields['payload'];
    if (typeof payload !== 'string') throw invalidFrame('media', 'media.payload', 'expected a string');
    const sequenceNumber = counter(frame['sequence_number'], 'sequence_number');
    const chunk = counter(fields['chunk'], 'media.chunk');
    const timestamp = counter(fields['timestamp'], 'media.timestamp');
    const track = trackOf(fields['track']);
    // UTF-8 keeps every non-ASCII character out of the base64 alphabet, so it cannot sneak through.
    const text = Buffer.from(payload, 'utf8');
    const packet = this.packet;
    packet.reserveForBase64(text.length);
    const length = base64DecodeInto(text, 0, text.length, packet.payload);
    if (length === BASE64_OVERFLOW) {
      throw new ProtocolError(
        ProtocolErrorCode.PayloadTooLarge,
        `media payload exceeds ${packet.maxPayloadBytes} bytes (${text.length} base64 characters)`,
      );
    }
    if (length < 0) throw new ProtocolError(ProtocolErrorCode.InvalidBase64, 'media payload is not valid base64');
    packet.sequenceNumber = sequenceNumber;
    packet.chunk = chunk;
    packet.timestamp = timestamp;
    packet.track = track;
    packet.length = length;
    return packet;
  }
}

/** A media counter, -1 when missing or `null`. */
function counter(value: unknown, path: string): number {
  const n = toUint(value);
  if (n === UINT_INVALID) throw invalidFrame('media', path, COUNTER_MESSAGE);
  return n;
}

/** `media.track`; missing or `null` means the caller's side. */
function trackOf(value: unknown): MediaTrack {
  if (value === undefined || value === null || value === 'inbound') return 'inbound';
  if (value === 'outbound') return 'outbound';
  throw invalidFrame('media', 'media.track', 'expected "inbound" or "outbound"');
}

/** One parser per payload limit, shared by every call of the process. */
const sharedParsers = new Map<number, TelnyxFrameParser>();

/**
 * The process's parser for `maxPayloadBytes`, shared by every call: calls are parsed one message at a
 * time and each copies what it keeps of the packet before the next message, so one packet buffer
 * serves them all, stays in the CPU's caches, and costs a call nothing.
 */
export function sharedFrameParser(maxPayloadBytes: number): TelnyxFrameParser {
  let parser = sharedParsers.get(maxPayloadBytes);
  if (parser === undefined) {
    parser = new TelnyxFrameParser({ maxPayloadBytes });
    sharedParsers.set(maxPayloadBytes, parser);
  }
  return parser;
}

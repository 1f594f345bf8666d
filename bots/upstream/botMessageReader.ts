import { base64DecodeInto } from '../../engine/telnyx/base64Into.js';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { MediaFrameScanner } from '../../engine/telnyx/mediaScanner.js';

/** Why a message from a bot server was refused. */
export type BotMessageErrorCode = 'binary' | 'oversized' | 'not_json' | 'unknown_event' | 'bad_message' | 'bad_base64';

/** `media` from the bot: audio in the call's upstream codec. Reused: valid until the next message is read. */
export interface BotMedia {
  readonly kind: 'media';
  /** The audio is `payload[0, length)`. */
  readonly payload: Buffer;
  readonly length: number;
}

/** One message from a bot server, as the bridge acts on it; the same in both protocols. */
export type BotMessage =
  | BotMedia
  | { readonly kind: 'mark'; readonly name: string }
  | { readonly kind: 'clear' }
  /** The bot is done (callwire's extension to both protocols; a normal close means the same). */
  | { readonly kind: 'stop' }
  | { readonly kind: 'refused'; readonly code: BotMessageErrorCode; readonly detail: string };

/** Audio a 20 ms-per-message bot sends fits this; larger chunks take the slower path. */
const FAST_PATH_PAYLOAD_BYTES = 16 * 1024;

const CLEAR: BotMessage = { kind: 'clear' };
const STOP: BotMessage = { kind: 'stop' };

/** Largest prefix of a bot's event name kept in an error: a bot could send anything there. */
const EVENT_NAME_PREFIX = 40;

/**
 * Reads the messages a bot server sends in either protocol (Telnyx: `{event, media:{payload}}`;
 * Twilio: the same with `streamSid`): `media`, `mark`, `clear`, and `stop`. `media` of up to 16 KiB
 * of audio is scanned without `JSON.parse` and decoded into one reused buffer; anything else goes
 * through `JSON.parse`. Never throws: what it cannot use comes back as `refused` with a code.
 */
export class BotMessageReader {
  readonly #scanner = new MediaFrameScanner();
  readonly #packet = new MediaPacket(FAST_PATH_PAYLOAD_BYTES);
  /** The one media result, refilled for every `media` message. */
  readonly #media: { kind: 'media'; payload: Buffer; length: number } = { kind: 'media', payload: this.#packet.payload, length: 0 };

  constructor(private readonly maxMessageBytes: number) {}

  /** Reads one WebSocket message. */
  read(data: Buffer, isBinary: boolean): BotMessage {
    if (isBinary) return refused('binary', `a binary message of ${data.length} bytes; both protocols send JSON text`);
    if (data.length > this.maxMessageBytes) return refused('oversized', `a message of ${data.length} bytes, over the limit of ${this.maxMessageBytes} (maxMessageBytes)`);
    if (this.#scanner.scan(data, this.#packet)) {
      this.#media.payload = this.#packet.payload;
      this.#media.length = this.#packet.length;
      return this.#media;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return refused('not_json', `not JSON (${data.length} bytes)`);
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return refused('bad_message', 'not a JSON object');
    const { event } = message as { event?: unknown };
    switch (event) {
      case 'media':
        return this.#slowMedia((message as { media?: unknown }).media);
      case 'mark': {
        const mark = (message as { mark?: unknown }).mark;
        const name = typeof mark === 'object' && mark !== null ? (mark as { name?: unknown }).name : undefined;
        return typeof name === 'string' ? { kind: 'mark', name } : refused('bad_message', 'mark without a string mark.name');
      }
      case 'clear':
        return CLEAR;
      case 'stop':
        return STOP;
      default:
        return refused('unknown_event', typeof event === 'string' ? `unknown event "${event.slice(0, EVENT_NAME_PREFIX)}"${event.length > EVENT_NAME_PREFIX ? ` (${event.length} characters)` : ''}` : 'no string "event"');
    }
  }

  #slowMedia(media: unknown): BotMessage {
    const payload = typeof media === 'object' && media !== null ? (media as { payload?: unknown }).payload : undefined;
    if (typeof payload !== 'string') return refused('bad_message', 'media without a string media.payload');
    const text = Buffer.from(payload, 'latin1');
    const out = text.length * 0.75 <= FAST_PATH_PAYLOAD_BYTES ? this.#packet.payload : Buffer.allocUnsafe(Math.ceil(text.length * 0.75));
    const length = base64DecodeInto(text, 0, text.length, out);
    if (length < 0) return refused('bad_base64', `media.payload is not valid base64 (${payload.length} characters)`);
    this.#media.payload = out;
    this.#media.length = length;
    return this.#media;
  }
}

function refused(code: BotMessageErrorCode, detail: string): BotMessage {
  return { kind: 'refused', code, detail };
}

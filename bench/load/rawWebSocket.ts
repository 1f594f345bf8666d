/**
 * A minimal WebSocket client (RFC 6455) for the load generator, so that sending a prebuilt frame is
 * one `socket.write` of bytes framed and masked in advance, and reading is a header walk over the
 * bytes that arrive: no per-message framing, masking, copying or event objects. Everything Telnyx's
 * side needs is here (handshake, masked text frames, close handshake, ping → pong); nothing else is
 * (no extensions, no fragmented sends).
 *
 * @remarks Prebuilt frames are masked once with a fixed key (see {@link maskedTextFrame}), so every
 * call sends the same bytes for the same frame. RFC 6455 asks clients for unpredictable keys to
 * protect proxies; on loopback there is none, and a server's work is the same for any non-zero key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** What a {@link RawWebSocket} reports. Handlers get views into reused memory: copy what you keep. */
export interface RawWebSocketHandler {
  /** The handshake succeeded. */
  onOpen(): void;
  /** A text message: its payload is `data[start, end)`. */
  onText(data: Buffer, start: number, end: number): void;
  /** The connection is gone; `code` from the close frame, 1006 without one. */
  onClose(code: number): void;
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const FIN = 0x80;
const MASK_BIT = 0x80;
/** The largest handshake response accepted before giving up. */
const MAX_HANDSHAKE_BYTES = 16 * 1024;
/** The largest message accepted from the server. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const ABNORMAL_CLOSE = 1006;

/** A complete, masked client frame: FIN set, opcode `opcode`, `payload` masked with the 4 bytes of `maskKey` (non-zero). */
export function maskedFrame(opcode: number, payload: Uint8Array, maskKey: number): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = FIN | opcode;
  if (header === 2) frame[1] = MASK_BIT | length;
  else if (header === 4) {
    frame[1] = MASK_BIT | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = MASK_BIT | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const key = maskKey === 0 ? 0x5a5a5a5a : maskKey >>> 0;
  frame.writeUInt32BE(key, header);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = (payload[i] ?? 0) ^ (frame[header + (i & 3)] ?? 0);
  return frame;
}

/** A masked text frame of `text` (UTF-8), built once and sent as is by any call. */
export function maskedTextFrame(text: string | Uint8Array, maskKey: number): Buffer {
  return maskedFrame(OPCODE_TEXT, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, maskKey);
}

/** The payload of a masked client frame, unmasked: what the server reads (for tests and checks). */
export function unmaskFrame(frame: Uint8Array): Buffer {
  const second = frame[1] ?? 0;
  let length = second & 0x7f;
  let header = 2;
  if (length === 126) {
    length = ((frame[2] ?? 0) << 8) | (frame[3] ?? 0);
    header = 4;
  } else if (length === 127) {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    length = view.getUint32(2) * 2 ** 32 + view.getUint32(6);
    header = 10;
  }
  const masked = (second & MASK_BIT) !== 0;
  const payloadStart = header + (masked ? 4 : 0);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = (frame[payloadStart + i] ?? 0) ^ (masked ? (frame[header + (i & 3)] ?? 0) : 0);
  return payload;
}

/** A non-zero masking key derived from `n`, for frames built once. */
export function fixedMask(n: number): number {
  return (Math.imul(n + 1, 0x9e3779b1) | 1) >>> 0;
}

function randomMask(): number {
  return randomBytes(4).readUInt32BE(0) | 1;
}

/** Where the connection is. */
const Phase = { Handshake: 0, Open: 1, Closing: 2, Closed: 3 } as const;
type PhaseValue = (typeof Phase)[keyof typeof Phase];

/** One client connection; see the module comment. */
export class RawWebSocket {
  readonly #socket: Socket;
  readonly #handler: RawWebSocketHandler;
  readonly #key: string;
  #phase: PhaseValue = Phase.Handshake;
  /** Bytes of an incomplete frame (or handshake) carried over to the next read. */
  #pending: Buffer | null = null;
  /** Fragments of a text message split across frames. */
  #fragments: Buffer[] | null = null;
  #closeCode = ABNORMAL_CLOSE;
  #closeSent = false;
  #closedReported = false;

  private constructor(url: URL, handler: RawWebSocketHandler) {
    this.#handler = handler;
    this.#key = randomBytes(16).toString('base64');
    const port = Number(url.port || 80);
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port, noDelay: true });
    this.#socket = socket;
    socket.on('connect', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${this.#key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#onSocketClosed());
    // Errors (refused, reset) end in 'close', which reports them.
    socket.on('error', () => undefined);
  }

  /** Opens a connection to `url` (ws://host:port/path?query). */
  static connect(url: string | URL, handler: RawWebSocketHandler): RawWebSocket {
    return new RawWebSocket(typeof url === 'string' ? new URL(url) : url, handler);
  }

  /** True between the handshake and the close. */
  get open(): boolean {
    return this.#phase === Phase.Open;
  }

  /** Sends a frame built by {@link maskedTextFrame} (or {@link maskedFrame}). */
  write(frame: Buffer): void {
    if (this.#phase === Phase.Open) this.#socket.write(frame);
  }

  /** Frames, masks and sends `text`: for the rare frames not prebuilt. */
  sendText(text: string): void {
    this.write(maskedTextFrame(text, randomMask()));
  }

  /** Holds writes back until {@link uncork}, so a burst leaves as one. */
  cork(): void {
    this.#socket.cork();
  }

  /** Lets corked writes go. */
  uncork(): void {
    this.#socket.uncork();
  }

  /** Starts the close handshake; the server answers and closes the TCP connection. */
  close(code = 1000): void {
    if (this.#phase !== Phase.Open) return;
    this.#sendClose(code);
    this.#phase = Phase.Closing;
  }

  /** Drops the TCP connection with no close frame (an abrupt disconnect). */
  destroy(): void {
    this.#phase = Phase.Closed;
    this.#socket.destroy();
  }

  #sendClose(code: number): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    const payload = Buffer.allocUnsafe(2);
    payload.writeUInt16BE(code, 0);
    this.#socket.write(maskedFrame(OPCODE_CLOSE, payload, randomMask()));
  }

  #onData(chunk: Buffer): void {
    let data = chunk;
    if (this.#pending !== null) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let offset = 0;
    if (this.#phase === Phase.Handshake) {
      offset = this.#readHandshake(data);
      if (offset < 0) return;
    }
    while (offset < data.length && this.#phase !== Phase.Closed) {
      const used = this.#readFrame(data, offset);
      if (used === 0) break;
      offset += used;
    }
    if (offset < data.length && this.#phase !== Phase.Closed) this.#pending = data.subarray(offset);
  }

  /** Consumes the handshake response; returns where frames start, or -1 when more bytes are needed or it failed. */
  #readHandshake(data: Buffer): number {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > MAX_HANDSHAKE_BYTES) this.destroy();
      else this.#pending = data;
      return -1;
    }
    const head = data.toString('latin1', 0, end);
    const expected = createHash('sha1').update(this.#key + WEBSOCKET_GUID).digest('base64');
    const accept = /\r\nsec-websocket-accept:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
    if (!head.startsWith('HTTP/1.1 101') || accept !== expected) {
      this.destroy();
      return -1;
    }
    this.#phase = Phase.Open;
    this.#handler.onOpen();
    return end + 4;
  }

  /** Handles the frame at `offset`; returns its length, or 0 when it is not complete yet. */
  #readFrame(data: Buffer, offset: number): number {
    const available = data.length - offset;
    if (available < 2) return 0;
    const first = data[offset] as number;
    const second = data[offset + 1] as number;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = data.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      length = data.readUInt32BE(offset + 2) * 2 ** 32 + data.readUInt32BE(offset + 6);
      header = 10;
    }
    if ((second & MASK_BIT) !== 0 || length > MAX_MESSAGE_BYTES) {
      // A server must not mask; anything this large is not a Telnyx-shaped frame.
      this.destroy();
      return 0;
    }
    if (available < header + length) return 0;
    const start = offset + header;
    const end = start + length;
    const opcode = first & 0x0f;
    const fin = (first & FIN) !== 0;
    if (opcode === OPCODE_TEXT || opcode === OPCODE_CONTINUATION) this.#onTextFrame(data, start, end, opcode, fin);
    else if (opcode === OPCODE_CLOSE) this.#onCloseFrame(data, start, end);
    else if (opcode === OPCODE_PING) {
      if (this.#phase === Phase.Open) this.#socket.write(maskedFrame(0xa, data.subarray(start, end), randomMask()));
    }
    return header + length;
  }

  #onTextFrame(data: Buffer, start: number, end: number, opcode: number, fin: boolean): void {
    if (opcode === OPCODE_TEXT && fin && this.#fragments === null) {
      this.#handler.onText(data, start, end);
      return;
    }
    // The engine never fragments; this path only keeps the client correct if a server does.
    this.#fragments ??= [];
    this.#fragments.push(Buffer.from(data.subarray(start, end)));
    if (!fin) return;
    const whole = Buffer.concat(this.#fragments);
    this.#fragments = null;
    this.#handler.onText(whole, 0, whole.length);
  }

  #onCloseFrame(data: Buffer, start: number, end: number): void {
    this.#closeCode = end - start >= 2 ? data.readUInt16BE(start) : 1005;
    // Answer the server's close (or it is the answer to ours), then let the server end TCP.
    if (!this.#closeSent) this.#sendClose(this.#closeCode);
    this.#phase = Phase.Closing;
    this.#socket.end();
  }

  #onSocketClosed(): void {
    this.#phase = Phase.Closed;
    this.#pending = null;
    if (this.#closedReported) return;
    this.#closedReported = true;
    this.#handler.onClose(this.#closeCode);
  }
}

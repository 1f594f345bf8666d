import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/**
 * One client-to-server frame, masked as RFC 6455 requires. `fin = false` starts a fragmented
 * message; `declaredLength` lies about the payload length (to cut a frame short on purpose).
 */
export function clientFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; declaredLength?: number } = {}): Buffer {
  const length = options.declaredLength ?? payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + 4);
  header[0] = (options.fin === false ? 0 : 0x80) | opcode;
  if (extended === 0) header[1] = 0x80 | length;
  else if (extended === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(header, 2 + extended);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  return Buffer.concat([header, body]);
}

/**
 * A WebSocket opened by hand over a raw TCP socket, to do what a well-behaved client never does:
 * stop mid-frame, stop reading, or send bytes no library would. Counts what the server sends but
 * does not parse it.
 */
export class RawWebSocket {
  readonly socket: Socket;
  /** Resolves when the TCP connection is gone, whoever ended it. */
  readonly closed: Promise<void>;
  /** Bytes received after the upgrade response. */
  bytesReceived = 0;

  private constructor(socket: Socket, leftover: Buffer) {
    this.socket = socket;
    this.bytesReceived = leftover.length;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.length;
    });
  }

  /** Connects to `127.0.0.1:port`, sends the upgrade request for `path` and waits for `101`. */
  static async connect(port: number, path: string): Promise<RawWebSocket> {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => {
      // A reset while the test tears the socket down is expected; `closed` reports the end.
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const leftover = await new Promise<Buffer>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.toString('latin1', 0, head.indexOf('\r\n'));
        if (!status.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${status}`));
        else resolve(head.subarray(end + 4));
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('socket closed during the upgrade')));
    });
    return new RawWebSocket(socket, leftover);
  }

  /** Sends one complete text message. */
  sendText(text: string): void {
    this.socket.write(clientFrame(Opcode.text, Buffer.from(text, 'utf8')));
  }

  /** Writes bytes as they are, frame boundaries or not. */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Drops the TCP connection at once, without a close frame. */
  destroy(): void {
    this.socket.destroy();
  }
}

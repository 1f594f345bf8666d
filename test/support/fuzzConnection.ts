import { WebSocket } from 'ws';
import type { FuzzMessage } from './fuzzFrames.js';

/** How a fuzzed connection ended, from the client's side. */
export interface FuzzClose {
  readonly code: number;
  readonly reason: string;
}

/**
 * One fuzzed client connection over `ws`: sends whatever it is given, never reacts to what the
 * engine sends, and records how it ended. Sending on a closed socket is a no-op.
 */
export class FuzzConnection {
  readonly ws: WebSocket;
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<FuzzClose>;
  /** `open`, or why the upgrade failed. */
  readonly opened: Promise<'open' | string>;
  messagesReceived = 0;

  constructor(url: string) {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 5_000 });
    this.ws = ws;
    // Errors (a reset, a refused upgrade) end in `close`; the listener keeps them from being thrown.
    ws.on('error', () => {});
    ws.on('message', () => {
      this.messagesReceived++;
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_request, response) => {
        resolve(`refused ${response.statusCode}`);
        ws.terminate();
      });
      ws.once('close', () => resolve('closed'));
    });
  }

  /** True while messages can be sent. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `message` if the socket is open. */
  send(message: FuzzMessage): void {
    if (!this.open) return;
    if (message.kind === 'text') this.ws.send(message.text);
    else this.ws.send(message.bytes, { binary: message.kind === 'binary' });
  }

  /** Closes with a close frame (`code`), or at once without one. */
  end(how: 'close' | 'terminate', code = 1000): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (how === 'terminate') this.ws.terminate();
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code);
    else this.ws.terminate();
  }
}

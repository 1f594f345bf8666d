import WebSocket from 'ws';
import type { PreparedCall } from '../callPreparation.js';

/** Why a connection to a bot server failed; metrics count failures by it. */
export type UpstreamFailureCause =
  /** Nothing listens at the address, or the host is unreachable. */
  | 'refused'
  /** The host name does not resolve. */
  | 'dns'
  /** Connecting and the upgrade took longer than `connectTimeoutMs`. */
  | 'timeout'
  /** The server answered the upgrade with 401 or 403. */
  | 'unauthorized'
  /** The server answered the upgrade with another 4xx (404: a wrong path, most often). */
  | 'http_4xx'
  /** The server answered the upgrade with a 5xx. */
  | 'http_5xx'
  /** The server's TLS certificate was not trusted, or TLS failed. */
  | 'tls'
  /** The connection broke mid-call (no close frame, or a close code that means failure). */
  | 'closed'
  /** Any other network error. */
  | 'network';

/** What a connection reports; `failed` and `ended` are final, and only one of them comes. */
export interface UpstreamListener {
  message(data: Buffer, isBinary: boolean): void;
  /** The connection failed or broke. */
  failed(cause: UpstreamFailureCause, detail: string): void;
  /** The bot server closed normally (1000 or 1001): it is done with the call. */
  ended(code: number, reason: string): void;
}

/** How to open a connection to a bot server. */
export interface UpstreamConnectionOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connectTimeoutMs: number;
  /** Messages waiting to be written beyond this many bytes are dropped, not queued. */
  readonly maxSendBufferBytes: number;
  /** A message over this size breaks the connection (ws closes it with 1009). */
  readonly maxPayloadBytes: number;
  /** Sent as soon as the connection opens (the protocol's `connected`). */
  readonly firstMessage: string;
}

/** Messages from the bot kept until the call's bridge attaches: a greeting sent right at `connected`. */
const MAX_HELD_MESSAGES = 500;

/** Close codes a bot uses when it is done rather than broken. */
function isNormalClose(code: number): boolean {
  return code === 1000 || code === 1001;
}

function causeOfError(error: Error & { code?: string }): UpstreamFailureCause {
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') return 'refused';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'EPROTO') return 'tls';
  return 'network';
}

function causeOfStatus(status: number): UpstreamFailureCause {
  if (status === 401 || status === 403) return 'unauthorized';
  return status >= 500 ? 'http_5xx' : 'http_4xx';
}

/**
 * One call's WebSocket to the user's bot server, opened as early as the call is known. Until the
 * call's bridge attaches, what the server sends is held (bounded) and what callwire writes waits
 * for the socket to open; after that, writes beyond the send-buffer cap are refused so a server that
 * stops reading costs bounded memory.
 */
export class UpstreamConnection implements PreparedCall {
  readonly #socket: WebSocket;
  readonly #options: UpstreamConnectionOptions;
  #listener: UpstreamListener | undefined;
  /** What arrived before a listener attached, in order. */
  readonly #held: (() => void)[] = [];
  /** Writes made before the socket opened. */
  readonly #waiting: string[] = [];
  #waitingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  #disposed = false;
  /** When the socket opened (`performance.now()`), or NaN. */
  openedAt = Number.NaN;

  constructor(options: UpstreamConnectionOptions) {
    this.#options = options;
    this.#socket = new WebSocket(options.url, { headers: { ...options.headers }, maxPayload: options.maxPayloadBytes, perMessageDeflate: false, followRedirects: false });
    this.#timer = setTimeout(() => this.#fail('timeout', `no connection after ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);
    this.#socket.on('open', () => this.#opened());
    this.#socket.on('message', (data: Buffer, isBinary: boolean) => this.#deliver(() => this.#listener!.message(data, isBinary)));
    this.#socket.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      request.destroy();
      this.#fail(causeOfStatus(status), `the bot server answered the upgrade with HTTP ${status}`);
    });
    this.#socket.on('error', (error: Error & { code?: string }) => this.#fail(causeOfError(error), error.message));
    this.#socket.on('close', (code: number, reason: Buffer) => {
      if (isNormalClose(code)) this.#settle(() => this.#listener!.ended(code, reason.toString('utf8', 0, Math.min(reason.length, 123))));
      else this.#fail('closed', `the bot server's connection closed with ${code}${reason.length > 0 ? ` (${reason.toString('utf8', 0, Math.min(reason.length, 123))})` : ''}`);
    });
  }

  /** Whether the socket is open for writing. */
  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Bytes written and not yet handed to the network. */
  get bufferedBytes(): number {
    return this.open ? this.#socket.bufferedAmount : this.#waitingBytes;
  }

  /** Starts handing events to `listener`, those held first. */
  attach(listener: UpstreamListener): void {
    this.#listener = listener;
    for (const event of this.#held.splice(0)) event();
  }

  /** Writes one text message; false when it was dropped (send buffer full, or the connection is over). */
  send(text: string): boolean {
    if (this.#settled || this.#disposed) return false;
    if (this.bufferedBytes + text.length > this.#options.maxSendBufferBytes) return false;
    if (this.open) this.#socket.send(text);
    else {
      this.#waiting.push(text);
      this.#waitingBytes += text.length;
    }
    return true;
  }

  /** Closes the connection (normally: the call is over); no event follows. */
  close(code = 1000, reason = 'call ended'): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#held.length = 0;
    this.#waiting.length = 0;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
    else this.#socket.terminate();
  }

  dispose(): void {
    this.close(1001, 'call did not start');
  }

  #opened(): void {
    clearTimeout(this.#timer);
    if (this.#settled) return;
    this.openedAt = performance.now();
    this.#socket.send(this.#options.firstMessage);
    for (const text of this.#waiting.splice(0)) this.#socket.send(text);
    this.#waitingBytes = 0;
  }

  #deliver(event: () => void): void {
    if (this.#disposed) return;
    if (this.#listener !== undefined) event();
    else if (this.#held.length < MAX_HELD_MESSAGES) this.#held.push(event);
  }

  #fail(cause: UpstreamFailureCause, detail: string): void {
    this.#settle(() => this.#listener!.failed(cause, detail));
    if (!this.#disposed && this.#socket.readyState !== WebSocket.CLOSED) this.#socket.terminate();
  }

  #settle(event: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    // A final event is never dropped for want of room among the held messages.
    if (this.#disposed) return;
    if (this.#listener !== undefined) event();
    else this.#held.push(event);
  }
}

import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import Telnyx from 'telnyx';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { encodeFakeAudio, toneSamples } from './fakeAudio.js';

/** The carrier protocol a fake bot speaks on its socket. */
export type MediaStreamProtocol = 'telnyx' | 'twilio';

/** What a fake bot does during each call it accepts. */
export type BotBehaviour =
  /** Sends every caller `media` payload straight back as it arrives. */
  | { readonly kind: 'echo' }
  /** On `start`, sends `seconds` of PCMU tone in 20 ms chunks at `speedup`× real time; `clearAfterMs` after `start` it stops talking and sends `clear`. */
  | { readonly kind: 'burst-then-clear'; readonly seconds: number; readonly speedup: number; readonly clearAfterMs: number }
  /** On `start`, sends `chunks` tone chunks of `chunkMs`, each followed by a mark `m0`, `m1`, …, and records each echo. */
  | { readonly kind: 'marks'; readonly chunks: number; readonly chunkMs: number }
  /** `afterMs` after `start`, hangs the call up through Telnyx Call Control with the `telnyx` SDK, as Pipecat's Telnyx serializer does. */
  | { readonly kind: 'hangup-via-call-control'; readonly afterMs: number; readonly apiKey: string; readonly baseUrl: string }
  /** Answers every WebSocket upgrade with this HTTP status. */
  | { readonly kind: 'refuse'; readonly status: number }
  /** `afterMs` after `start`, destroys the TCP socket without a close frame, as a crashed bot process would. */
  | { readonly kind: 'die-mid-call'; readonly afterMs: number };

/** Options of {@link MediaStreamBotServer.start}. */
export interface MediaStreamBotServerOptions {
  readonly protocol: MediaStreamProtocol;
  readonly behaviour: BotBehaviour;
  /** Request headers an upgrade must carry with exactly these values (e.g. authorization); 401 otherwise. */
  readonly requireHeaders?: Readonly<Record<string, string>>;
}

/** One message the bot received. */
export interface ReceivedMessage {
  /** The message's `event`, or `'<invalid>'` when it was not a JSON object with a string `event`. */
  readonly event: string;
  /** `performance.now()` at receipt. */
  readonly at: number;
  /** The parsed JSON, or the raw text when it did not parse. */
  readonly message: unknown;
}

/** One thing the bot sent: a WebSocket message, or `hangup` for a Call Control request. */
export interface SentMessage {
  readonly event: string;
  /** `performance.now()` when it was sent. */
  readonly at: number;
  /** The mark's name, for `mark`. */
  readonly name?: string;
  /** Decoded payload bytes, for `media`. */
  readonly bytes?: number;
}

/** Request headers as Node parsed them: names lower-case, repeated ones as arrays. */
export type UpgradeHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** How a socket closed, as the bot saw it. */
export interface BotCloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** What the fake bot saw and did on one accepted connection, for assertions and the bench. */
export interface BotSession {
  readonly protocol: MediaStreamProtocol;
  readonly upgradeHeaders: UpgradeHeaders;
  /** Every message received, in order. */
  readonly received: readonly ReceivedMessage[];
  /** The parsed `start` message, once it has arrived. */
  readonly start: unknown;
  /** Total decoded bytes of caller (inbound track) audio received. */
  readonly mediaPayloadBytes: number;
  /** Mark echoes from the carrier, in arrival order. */
  readonly markEchoes: readonly { readonly name: string; readonly at: number }[];
  /** What the bot sent, in order. */
  readonly sent: readonly SentMessage[];
  /** Things that went wrong on the bot's side (a failed hangup request, a socket error). */
  readonly problems: readonly string[];
  /** Settles when the socket closes; code 1006 when it dropped without a close frame. */
  readonly closed: Promise<BotCloseInfo>;
  /** Sends `message` as a JSON text frame (dropped once the socket is not open), for tests that need a message no behaviour sends. */
  send(message: object): void;
}

const PATH = '/ws';
const INVALID_EVENT = '<invalid>';
const PCMU_BYTES_PER_MS = 8;
const FRAME_MS = 20;
const FRAME_BYTES = FRAME_MS * PCMU_BYTES_PER_MS;
/** One second of 440 Hz: a whole number of cycles, so chunks cut from it anywhere loop without a click. */
const TONE = encodeFakeAudio('audio/pcmu', toneSamples(440, 1000, 8000));

/**
 * A local stand-in for a user's existing voice bot (a Pipecat bot behind TelnyxFrameSerializer or
 * TwilioFrameSerializer, OpenAI's Twilio demo): a WebSocket server at `ws://127.0.0.1:<port>/ws`
 * that speaks the Telnyx or Twilio media-stream protocol to whoever plays the carrier, and behaves
 * as {@link BotBehaviour} says.
 */
export class MediaStreamBotServer {
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** One per accepted connection, in order. */
  readonly sessions: BotSession[];
  readonly #connections: BotConnection[] = [];
  /** Every upgrade's TCP socket, refused ones too: HTTP's half-open sockets would otherwise hold close() up. */
  readonly #sockets = new Set<Duplex>();
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true, clientTracking: false });
  readonly #options: MediaStreamBotServerOptions;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: MediaStreamBotServerOptions) {
    this.#server = server;
    this.#options = options;
    this.sessions = this.#connections;
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
  }

  /** Starts a bot server on 127.0.0.1 with a free port. */
  static async start(options: MediaStreamBotServerOptions): Promise<MediaStreamBotServer> {
    checkOptions(options);
    const server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return new MediaStreamBotServer(server, options);
  }

  /** Terminates every socket, cancels every timer and request, and stops listening; safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    for (const connection of this.#connections) connection.terminate();
    for (const socket of this.#sockets) socket.destroy();
    this.#wss.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A carrier that vanishes mid-handshake must not crash the process hosting the fake.
    socket.on('error', () => undefined);
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    const status = this.#refusalStatus(request);
    if (status !== undefined) return refuseUpgrade(socket, status);
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      this.#connections.push(new BotConnection(ws, socket, request.headers, this.#options));
    });
  }

  #refusalStatus(request: IncomingMessage): number | undefined {
    const { behaviour, requireHeaders = {} } = this.#options;
    if (behaviour.kind === 'refuse') return behaviour.status;
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== PATH) return 404;
    const missing = Object.entries(requireHeaders).some(([name, value]) => request.headers[name.toLowerCase()] !== value);
    return missing ? 401 : undefined;
  }
}

/** Fails fast on a behaviour that could only misbehave later, mid-call. */
function checkOptions({ protocol, behaviour }: MediaStreamBotServerOptions): void {
  if (behaviour.kind === 'hangup-via-call-control' && protocol !== 'telnyx') {
    throw new Error('hangup-via-call-control needs the telnyx protocol: only Telnyx start frames carry a call_control_id');
  }
  if (behaviour.kind === 'burst-then-clear' && !(behaviour.speedup > 0)) throw new Error('burst-then-clear needs a speedup above 0');
}

function refuseUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One accepted connection: records what it hears and runs the behaviour from `start` on. */
class BotConnection implements BotSession {
  readonly protocol: MediaStreamProtocol;
  readonly upgradeHeaders: UpgradeHeaders;
  readonly received: ReceivedMessage[] = [];
  readonly markEchoes: { name: string; at: number }[] = [];
  readonly sent: SentMessage[] = [];
  readonly problems: string[] = [];
  readonly closed: Promise<BotCloseInfo>;
  #start: unknown;
  #mediaPayloadBytes = 0;
  readonly #ws: WebSocket;
  readonly #tcp: Duplex;
  readonly #behaviour: BotBehaviour;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #requests = new Set<AbortController>();
  /** Twilio wants it on every message the bot sends; Telnyx needs none. */
  #streamSid: string | undefined;
  #callControlId: string | undefined;
  /** Set by the bot's own `clear`, the carrier's `stop` or the socket closing: no more audio after it. */
  #silenced = false;

  constructor(ws: WebSocket, tcp: Duplex, headers: UpgradeHeaders, options: MediaStreamBotServerOptions) {
    this.#ws = ws;
    this.#tcp = tcp;
    this.protocol = options.protocol;
    this.#behaviour = options.behaviour;
    this.upgradeHeaders = Object.freeze({ ...headers });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        this.#stopActing();
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', (error: Error) => void this.problems.push(`socket error: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => this.#hear(data, isBinary));
  }

  get start(): unknown {
    return this.#start;
  }

  get mediaPayloadBytes(): number {
    return this.#mediaPayloadBytes;
  }

  send(message: object): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(JSON.stringify(message));
    this.sent.push(describeSent(message, performance.now()));
  }

  /** Drops the socket at once and cancels whatever the behaviour still had planned or in flight. */
  terminate(): void {
    this.#stopActing();
    for (const request of this.#requests) request.abort();
    this.#ws.terminate();
  }

  #hear(data: RawData, isBinary: boolean): void {
    const received = parseReceived(data, isBinary, performance.now());
    this.received.push(received);
    const message = received.message as Record<string, unknown>;
    switch (received.event) {
      case 'start':
        return this.#onStart(message);
      case 'media':
        return this.#onMedia(message);
      case 'mark':
        return this.#onMarkEcho(message, received.at);
      case 'stop':
        return this.#stopActing();
    }
  }

  #onStart(message: Record<string, unknown>): void {
    if (this.#start !== undefined) return void this.problems.push('a second start message');
    this.#start = message;
    this.#streamSid = stringAt(message, 'streamSid') ?? stringAt(message, 'start', 'streamSid');
    this.#callControlId = stringAt(message, 'start', 'call_control_id');
    this.#act();
  }

  #onMedia(message: Record<string, unknown>): void {
    const track = stringAt(message, 'media', 'track');
    const payload = stringAt(message, 'media', 'payload');
    // With both tracks streamed, the outbound one is the bot's own voice: echoing it would loop.
    if (payload === undefined || (track !== undefined && track !== 'inbound')) return;
    this.#mediaPayloadBytes += Buffer.byteLength(payload, 'base64');
    if (this.#behaviour.kind === 'echo') this.#sendOutbound('media', { media: { payload } });
  }

  #onMarkEcho(message: Record<string, unknown>, at: number): void {
    const name = stringAt(message, 'mark', 'name');
    if (name !== undefined) this.markEchoes.push({ name, at });
  }

  #act(): void {
    const behaviour = this.#behaviour;
    switch (behaviour.kind) {
      case 'burst-then-clear':
        this.#later(behaviour.clearAfterMs, () => this.#interrupt());
        return this.#playBurst(behaviour.seconds, behaviour.speedup);
      case 'marks':
        return this.#sendMarkedChunks(behaviour.chunks, behaviour.chunkMs);
      case 'hangup-via-call-control':
        return this.#later(behaviour.afterMs, () => void this.#hangUp(behaviour.apiKey, behaviour.baseUrl));
      case 'die-mid-call':
        return this.#later(behaviour.afterMs, () => this.#tcp.destroy());
      case 'echo':
      case 'refuse':
        return;
    }
  }

  /** Paces against the burst's own start, so a late timer catches up instead of stretching the burst. */
  #playBurst(seconds: number, speedup: number): void {
    const frames = Math.round((seconds * 1000) / FRAME_MS);
    const interval = FRAME_MS / speedup;
    const began = performance.now();
    let played = 0;
    const playDue = (): void => {
      const due = interval > 0 ? Math.min(frames, Math.floor((performance.now() - began) / interval) + 1) : frames;
      for (; played < due && !this.#silenced; played++) this.#sendAudio(toneChunk(played * FRAME_BYTES, FRAME_BYTES));
      if (played < frames && !this.#silenced) this.#later(began + played * interval - performance.now(), playDue);
    };
    playDue();
  }

  /** Like Pipecat and Vocode, sends faster than real time and leaves playback timing to the carrier. */
  #sendMarkedChunks(chunks: number, chunkMs: number): void {
    const chunkBytes = Math.round(chunkMs * PCMU_BYTES_PER_MS);
    for (let index = 0; index < chunks; index++) {
      this.#sendAudio(toneChunk(index * chunkBytes, chunkBytes));
      this.#sendOutbound('mark', { mark: { name: `m${index}` } });
    }
  }

  #interrupt(): void {
    this.#silenced = true;
    this.#sendOutbound('clear', {});
  }

  async #hangUp(apiKey: string, baseUrl: string): Promise<void> {
    const callControlId = this.#callControlId;
    if (callControlId === undefined) return void this.problems.push('hangup: start carried no call_control_id');
    const request = new AbortController();
    this.#requests.add(request);
    this.sent.push({ event: 'hangup', at: performance.now() });
    try {
      // No retries: a real bot's single request either works or shows up in `problems` at once.
      const client = new Telnyx({ apiKey, baseURL: baseUrl, maxRetries: 0 });
      await client.calls.actions.hangup(callControlId, {}, { signal: request.signal });
    } catch (error) {
      if (!request.signal.aborted) this.problems.push(`hangup: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#requests.delete(request);
    }
  }

  #sendAudio(bytes: Uint8Array): void {
    this.#sendOutbound('media', { media: { payload: Buffer.from(bytes).toString('base64') } });
  }

  /** Shapes a bot→carrier message: Twilio wants the `streamSid` from `start` on each, Telnyx none. */
  #sendOutbound(event: string, body: Record<string, unknown>): void {
    const streamSid = this.protocol === 'twilio' ? { streamSid: this.#streamSid } : {};
    this.send({ event, ...streamSid, ...body });
  }

  #later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, Math.max(0, ms));
    this.#timers.add(timer);
  }

  /** A hangup already in flight is left to finish: the carrier's `stop` is often its own answer to it. */
  #stopActing(): void {
    this.#silenced = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

function parseReceived(data: RawData, isBinary: boolean, at: number): ReceivedMessage {
  const text = rawText(data);
  if (isBinary) return { event: INVALID_EVENT, at, message: text };
  try {
    const parsed: unknown = JSON.parse(text);
    const event = stringAt(parsed, 'event');
    return event === undefined ? { event: INVALID_EVENT, at, message: parsed } : { event, at, message: parsed };
  } catch {
    return { event: INVALID_EVENT, at, message: text };
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

function describeSent(message: object, at: number): SentMessage {
  const event = stringAt(message, 'event') ?? INVALID_EVENT;
  const name = stringAt(message, 'mark', 'name');
  const payload = stringAt(message, 'media', 'payload');
  return {
    event,
    at,
    ...(name === undefined ? {} : { name }),
    ...(payload === undefined ? {} : { bytes: Buffer.byteLength(payload, 'base64') }),
  };
}

/** The string at `path` inside a parsed message, or undefined when any step is missing or of another type. */
function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

/** `length` bytes of the looping tone starting `offset` bytes in. */
function toneChunk(offset: number, length: number): Uint8Array {
  const chunk = new Uint8Array(length);
  for (let i = 0; i < length; i++) chunk[i] = TONE[(offset + i) % TONE.length]!;
  return chunk;
}

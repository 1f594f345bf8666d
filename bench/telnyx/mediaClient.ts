import { WebSocket } from 'ws';
import {
  connectedFrame,
  dtmfFrame,
  markFrame,
  mediaFrame,
  simulatedCall,
  startFrame,
  stopFrame,
  type SimulatedCall,
} from './mediaFrames.js';

/** One outbound `media` frame as the simulated Telnyx received it. */
export interface ReceivedMedia {
  /** `performance.now()` at arrival. */
  readonly at: number;
  readonly payload: Buffer;
}

/** Options of {@link TelnyxMediaClient.connect}. */
export interface MediaClientOptions {
  readonly call?: Partial<SimulatedCall>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes of outbound payload per millisecond of audio, to time mark echoes (PCMU/PCMA: 8). */
  readonly outboundBytesPerMs?: number;
  /** Milliseconds one outbound payload plays for; default bytes / `outboundBytesPerMs` (Opus needs 20 per packet). */
  readonly mediaDurationMs?: (payload: Buffer) => number;
  /** `sequence_number` of each mark echo; default the client's own counter (a replay continues the capture's). */
  readonly nextSequenceNumber?: () => number;
  /** Gives up opening the socket after this long; default ws's (none). */
  readonly handshakeTimeoutMs?: number;
  /** Sees every message and every mark echo as it happens. */
  readonly observer?: MediaClientObserver;
}

/** Hooks for tools that record a stream (`callwire replay`); times are `performance.now()`. */
export interface MediaClientObserver {
  /** Every message the engine sent, before the client handles it. */
  received?(data: Buffer, isBinary: boolean, at: number): void;
  /** A mark echoed back: after its audio played, or at once because a `clear` flushed it. */
  markEchoed?(name: string, at: number, byClear: boolean): void;
}

/** How the engine closed the socket. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * Plays Telnyx's side of one media stream: sends documented frames, and like Telnyx plays what it
 * receives in real time, so a `mark` is echoed once the audio queued before it has played, and a
 * `clear` echoes every pending mark at once.
 */
export class TelnyxMediaClient {
  readonly call: SimulatedCall;
  readonly media: ReceivedMedia[] = [];
  /** Marks echoed back to the engine, in order. */
  readonly echoedMarks: string[] = [];
  /** Count of `clear` frames received. */
  clears = 0;
  /** Frames Telnyx would reject, described; a faithful engine leaves this empty. */
  readonly violations: string[] = [];
  /** Every parsed frame received, for assertions on shape. */
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<CloseInfo>;
  readonly #ws: WebSocket;
  readonly #bytesPerMs: number;
  readonly #options: MediaClientOptions;
  readonly #pendingMarks: { name: string; timer: NodeJS.Timeout }[] = [];
  #sequence = 0;
  #chunk = 0;
  #timestamp = 0;
  #playoutEndsAt = 0;
  readonly #playoutGaps: number[] = [];

  private constructor(ws: WebSocket, call: SimulatedCall, options: MediaClientOptions) {
    this.#ws = ws;
    this.call = call;
    this.#bytesPerMs = options.outboundBytesPerMs ?? 8;
    this.#options = options;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
  }

  /** Opens a media stream to `url`, as Telnyx does when a call reaches `<Stream>`. */
  static async connect(url: string, options: MediaClientOptions = {}): Promise<TelnyxMediaClient> {
    const ws = new WebSocket(url, {
      headers: { ...options.headers },
      perMessageDeflate: false,
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: options.handshakeTimeoutMs }),
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new TelnyxMediaClient(ws, simulatedCall(options.call), options);
  }

  /** `performance.now()` at which what Telnyx holds will have played (the past when nothing is queued). */
  get playoutEndsAt(): number {
    return this.#playoutEndsAt;
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends any text, well-formed or not. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.#ws.send(data, { binary });
  }

  /** Sends `connected` then `start`, as a call's stream begins. */
  begin(authToken?: string): void {
    this.sendRaw(connectedFrame(authToken));
    this.sendRaw(startFrame(this.call, ++this.#sequence));
  }

  /** Sends one inbound `media` frame; counters advance as Telnyx's do. */
  sendMedia(payload: Uint8Array, track = 'inbound'): void {
    this.#chunk++;
    this.sendRaw(mediaFrame(this.call, ++this.#sequence, this.#chunk, this.#timestamp, payload, track));
    this.#timestamp += payload.length;
  }

  /** Sends a key press. */
  sendDtmf(digit: string): void {
    this.sendRaw(dtmfFrame(this.call, ++this.#sequence, digit));
  }

  /** Sends `stop`, as Telnyx does when the stream ends. */
  sendStop(): void {
    this.sendRaw(stopFrame(this.call, ++this.#sequence));
  }

  /** Sends `frames` one per `intervalMs` on a drift-corrected schedule, as a live call would. */
  async streamMedia(frames: readonly Uint8Array[], intervalMs = 20): Promise<void> {
    const begin = performance.now();
    for (let i = 0; i < frames.length; i++) {
      const wait = begin + i * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.open) return;
      this.sendMedia(frames[i]!);
    }
  }

  /** Milliseconds of audio the engine has sent so far (at the stream's bytes per millisecond). */
  get receivedMs(): number {
    let bytes = 0;
    for (const item of this.media) bytes += item.payload.length;
    return bytes / this.#bytesPerMs;
  }

  /** Everything the engine sent as audio, concatenated in arrival order. */
  receivedAudio(): Buffer {
    return Buffer.concat(this.media.map((item) => item.payload));
  }

  /** Resolves once `predicate` holds, checking every 5 ms; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Closes the socket from Telnyx's side and waits for the close to finish. */
  async close(code = 1000, reason?: string): Promise<CloseInfo> {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    return this.closed;
  }

  /**
   * Stops reading the socket for `ms`, as a delivery stall on the path from the engine would:
   * what the engine sends meanwhile waits in the kernel and arrives in one burst afterwards.
   */
  stallReading(ms: number): Promise<void> {
    // ws keeps its TCP socket in `_socket`; pausing it is the closest a client gets to a stalled path.
    const socket = (this.#ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    return new Promise((resolve) =>
      setTimeout(() => {
        socket.resume();
        resolve();
      }, ms),
    );
  }

  /**
   * Gaps the caller would hear in the engine's audio, by Telnyx's playout: each message plays after
   * what Telnyx holds, and one that arrives after all of that has played leaves a gap. In ms, in order.
   */
  playoutGaps(): readonly number[] {
    return this.#playoutGaps;
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.#ws.terminate();
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    this.#options.observer?.received?.(data, isBinary, performance.now());
    if (isBinary) {
      this.violations.push('binary frame; Telnyx expects JSON text');
      return;
    }
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.violations.push(`not JSON: ${data.toString('utf8', 0, 80)}`);
      return;
    }
    this.frames.push(frame);
    const now = performance.now();
    switch (frame['event']) {
      case 'media': {
        const payload = Buffer.from(String((frame['media'] as { payload: string }).payload), 'base64');
        this.media.push({ at: now, payload });
        const durationMs = this.#options.mediaDurationMs?.(payload) ?? payload.length / this.#bytesPerMs;
        // Arriving after all that came before has played, it leaves a gap the caller hears.
        if (this.media.length > 1 && now > this.#playoutEndsAt) this.#playoutGaps.push(now - this.#playoutEndsAt);
        this.#playoutEndsAt = Math.max(now, this.#playoutEndsAt) + durationMs;
        return;
      }
      case 'mark': {
        const name = String((frame['mark'] as { name: string }).name);
        const entry = { name, timer: setTimeout(() => this.#echoMark(entry), Math.max(0, this.#playoutEndsAt - now)) };
        this.#pendingMarks.push(entry);
        return;
      }
      case 'clear':
        this.clears++;
        this.#playoutEndsAt = now;
        for (const entry of [...this.#pendingMarks]) {
          clearTimeout(entry.timer);
          this.#echoMark(entry, true);
        }
        return;
      default:
        this.violations.push(`unknown event: ${String(frame['event'])}`);
    }
  }

  #echoMark(entry: { name: string; timer: NodeJS.Timeout }, byClear = false): void {
    const index = this.#pendingMarks.indexOf(entry);
    if (index >= 0) this.#pendingMarks.splice(index, 1);
    this.echoedMarks.push(entry.name);
    if (!this.open) return;
    this.sendRaw(markFrame(this.call, this.#options.nextSequenceNumber?.() ?? ++this.#sequence, entry.name));
    this.#options.observer?.markEchoed?.(entry.name, performance.now(), byClear);
  }
}

import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UpstreamProtocolName } from '../../bots/upstream/upstreamOptions.js';

/** PCMU bytes of one 20 ms frame. */
const FRAME_BYTES = 160;
/** Filler of every frame the bot sends: a quiet μ-law code that survives decoding and re-encoding. */
const FILLER = 0x55;

/** The two bytes that say which frame this is; μ-law codes 0x10..0x6f come back unchanged. */
export function frameMarker(index: number): [number, number] {
  return [0x10 + (Math.floor(index / 96) % 96), 0x10 + (index % 96)];
}

/** What the bot saw and did on one call. */
export interface LatencyBotCall {
  /** The call's stream id, from `start` (Telnyx `stream_id`, Twilio `streamSid`). */
  streamId: string;
  /** `performance.now()` when caller media chunk `n` (from 1) arrived, by chunk number. */
  readonly callerChunkArrivals: Map<number, number>;
  /** `performance.now()` when the bot sent its frame `i` (from 0). */
  readonly botFrameSentAt: number[];
}

/**
 * A bot server for measuring forwarding latency: it notes when each caller `media` chunk arrives,
 * and from `start` on speaks in real time, one marked 20 ms frame every 20 ms on a drift-corrected
 * schedule, noting when each went out.
 */
export class LatencyBotServer {
  readonly calls: LatencyBotCall[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly protocol: UpstreamProtocolName,
    private readonly framesPerCall: number,
  ) {
    server.on('connection', (socket) => this.#accept(socket));
  }

  /** Listens on 127.0.0.1; each call's bot speaks `framesPerCall` frames. */
  static async start(protocol: UpstreamProtocolName, framesPerCall: number): Promise<LatencyBotServer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return new LatencyBotServer(server, protocol, framesPerCall);
  }

  /** `ws://127.0.0.1:PORT/`. */
  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    const call: LatencyBotCall = { streamId: '', callerChunkArrivals: new Map(), botFrameSentAt: [] };
    this.calls.push(call);
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const message = JSON.parse(data.toString('utf8')) as { event: string; stream_id?: string; streamSid?: string; media?: { chunk: string } };
      if (message.event === 'media') call.callerChunkArrivals.set(Number(message.media!.chunk), at);
      else if (message.event === 'start') {
        call.streamId = message.stream_id ?? message.streamSid ?? '';
        this.#speak(socket, call, message.streamSid);
      }
    });
  }

  #speak(socket: WebSocket, call: LatencyBotCall, streamSid: string | undefined): void {
    const frame = Buffer.alloc(FRAME_BYTES, FILLER);
    const prefix = this.protocol === 'twilio' ? `{"event":"media","streamSid":${JSON.stringify(streamSid ?? '')},"media":{"payload":"` : '{"event":"media","media":{"payload":"';
    const began = performance.now();
    const tick = (): void => {
      while (call.botFrameSentAt.length < this.framesPerCall && began + call.botFrameSentAt.length * 20 <= performance.now()) {
        if (socket.readyState !== socket.OPEN) return;
        [frame[0], frame[1]] = frameMarker(call.botFrameSentAt.length);
        socket.send(`${prefix}${frame.toString('base64')}"}}`);
        call.botFrameSentAt.push(performance.now());
      }
      if (call.botFrameSentAt.length >= this.framesPerCall) return;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        tick();
      }, 2);
      this.#timers.add(timer);
    };
    tick();
  }
}

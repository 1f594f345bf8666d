import type { Observable, Subscription } from 'rxjs';
import { createActor, type Actor } from 'xstate';
import type { WebSocket, RawData } from 'ws';
import type { CallPort } from '../actors/callPort.js';
import type { CallMachine, CallOutput } from '../actors/call.machine.js';
import type { AudioFrame, EndReason } from '../bots/api.js';
import { createDecoder, createEncoder } from '../codecs/createCodec.js';
import { FrameChannel } from '../codecs/frameChannel.js';
import { isUnsupportedCodecError } from '../codecs/errors.js';
import { DecodeStage } from '../codecs/decodeStage.js';
import { decodeMedia } from '../codecs/operators/decodeMedia.js';
import { createResampler } from '../codecs/resample/createResampler.js';
import { UnsupportedResampleRateError } from '../codecs/resample/errors.js';
import type { AudioDecoder } from '../codecs/types.js';
import type { AgentDefinition } from './agent.js';
import type { Clock } from './clock.js';
import { newCallId, type CallId } from './ids.js';
import type { Logger } from './logger.js';
import { OutboundStream, type OutboundFrameWriter } from './outboundStream.js';
import { resolveOutboundFormat } from './mediaFormats.js';
import type { PacedStream, Pacer } from './pacer.js';
import { ProtocolError, ProtocolErrorCode } from './telnyx/errors.js';
import type { ControlFrame, MediaPacket, StreamStart } from './telnyx/frames.js';
import { TelnyxFrameParser } from './telnyx/parseInbound.js';

/** Engine services a call needs. */
export interface CallSessionDeps {
  readonly clock: Clock;
  readonly pacer: Pacer;
  readonly log: Logger;
  readonly writer: OutboundFrameWriter;
  readonly limits: CallLimits;
  /** Called once when the call has ended and released everything. */
  readonly onEnded: (session: CallSession, output: CallOutput) => void;
}

/** Per-call size limits. */
export interface CallLimits {
  /** Largest decoded media payload accepted, in bytes. */
  readonly maxPayloadBytes: number;
  /** Cap on queued outbound audio, in milliseconds. */
  readonly maxQueuedAudioMs: number;
}

/** Counters of one call, summed up in its last log line. */
export interface CallStats {
  messagesIn: number;
  framesIn: number;
  /** `media` frames of the `outbound` track (sent with `both_tracks`), which are not the caller. */
  otherTrackFrames: number;
  rejectedFrames: number;
  telnyxErrors: number;
  /** Rejections by {@link ProtocolErrorCode}. */
  readonly rejectedByCode: Map<string, number>;
}


/**
 * One Telnyx media WebSocket and the call actor behind it. The session is the data plane: it parses
 * every message once, decodes media into the bot's audio stream and paces the bot's audio out. The
 * actor is the control plane and gets only control events. Nothing a single call does, receives or
 * throws reaches another call.
 */
export class CallSession implements CallPort, PacedStream {
  readonly id: CallId = newCallId();
  readonly agent: AgentDefinition;
  readonly startedAt: number;
  readonly stats: CallStats = {
    messagesIn: 0,
    framesIn: 0,
    otherTrackFrames: 0,
    rejectedFrames: 0,
    telnyxErrors: 0,
    rejectedByCode: new Map(),
  };
  readonly actor: Actor<CallMachine>;
  endReason: EndReason | undefined;
  pacerSlot = -1;

  readonly #ws: WebSocket;
  readonly #deps: CallSessionDeps;
  readonly #log: Logger;
  readonly #parser: TelnyxFrameParser;
  readonly #packets = new FrameChannel<MediaPacket>();
  readonly #audio = new FrameChannel<AudioFrame>();
  #pipeline: Subscription | undefined;
  #output: OutboundStream | undefined;
  #decoder: AudioDecoder | undefined;
  readonly #logged = new Set<string>();
  #bytesPerSample = 1;
  #started = false;
  #released = false;
  #ended = false;
  #lastMediaAt: number;

  constructor(ws: WebSocket, agent: AgentDefinition, deps: CallSessionDeps) {
    this.#ws = ws;
    this.agent = agent;
    this.#deps = deps;
    this.#log = deps.log.child({ callId: this.id, agent: `${agent.name}.${agent.org}` });
    this.startedAt = deps.clock.now();
    this.#lastMediaAt = this.startedAt;
    this.#parser = new TelnyxFrameParser({ maxPayloadBytes: deps.limits.maxPayloadBytes });

    ws.on('message', this.#onMessage);
    ws.on('close', this.#onClose);
    ws.on('error', this.#onSocketError);

    this.actor = createActor(agent.machine, {
      clock: deps.clock,
      input: {
        callId: this.id,
        org: agent.org,
        agent: agent.name,
        port: this,
        clock: deps.clock,
        log: this.#log,
        options: agent.options,
        timeouts: agent.timeouts,
      },
    });
    this.actor.subscribe({
      complete: () => this.#finish(this.actor.getSnapshot().output ?? { reason: 'internal_error' }),
      error: (error) => {
        this.#log.error({ err: error }, 'call actor failed');
        this.endReason ??= 'internal_error';
        this.close(1011, 'internal_error');
        this.release();
        this.#finish({ reason: 'internal_error' });
      },
    });
    this.#log.info('call connected');
    this.actor.start();
  }

  /** The child logger bound to this call. */
  get log(): Logger {
    return this.#log;
  }

  get audio(): Observable<AudioFrame> {
    return this.#audio.observable;
  }

  /** The bot's outbound queue; exists once `start` has named the codecs. */
  get output(): OutboundStream {
    if (this.#output === undefined) throw new Error('the outbound stream exists only after start');
    return this.#output;
  }

  /** One tick of the shared pacer: the bot's next outbound audio goes out. */
  pace(): void {
    this.#output?.pace();
  }

  lastMediaAt(): number {
    return this.#lastMediaAt;
  }

  outboundDrained(): boolean {
    return this.#output === undefined || this.#output.drained;
  }

  /** Ends the call from outside, for example on engine shutdown. */
  shutdown(): void {
    this.#sendToActor({ type: 'engine.shutdown' });
  }

  close(code: number, reason: string): void {
    const state = this.#ws.readyState;
    if (state === this.#ws.OPEN || state === this.#ws.CONNECTING) this.#ws.close(code, reason);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#deps.pacer.remove(this);
    this.#pipeline?.unsubscribe();
    this.#packets.complete();
    this.#audio.complete();
    this.#decoder?.close();
    this.#decoder = undefined;
    this.#output?.close();
  }

  readonly #send = (text: string): void => {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
  };

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#released) return;
    this.stats.messagesIn++;
    try {
      if (isBinary) throw new ProtocolError(ProtocolErrorCode.BinaryMessage, 'binary WebSocket message; Telnyx sends text frames');
      const frame = this.#parser.parse(data as Buffer);
      if (frame.event === 'media') this.#onMedia(frame);
      else this.#onControl(frame);
    } catch (error) {
      this.#reject(error);
    }
  };

  #onMedia(packet: MediaPacket): void {
    if (!this.#started) throw new ProtocolError(ProtocolErrorCode.MediaBeforeStart, 'media frame before start');
    if (packet.track !== 'inbound') {
      this.stats.otherTrackFrames++;
      return;
    }
    if (this.#pipeline === undefined) return; // unsupported codec: the call is already ending
    if (packet.length === 0) throw new ProtocolError(ProtocolErrorCode.BadPayloadSize, 'empty media payload');
    if (this.#bytesPerSample === 2 && packet.length % 2 !== 0) {
      throw new ProtocolError(ProtocolErrorCode.BadPayloadSize, 'L16 media payload with an odd byte count');
    }
    this.#lastMediaAt = this.#deps.clock.now();
    this.stats.framesIn++;
    this.#packets.next(packet);
  }

  #onControl(frame: ControlFrame): void {
    switch (frame.event) {
      case 'connected':
        this.#sendToActor({ type: 'telnyx.connected' });
        return;
      case 'start':
        this.#onStart(frame.start);
        return;
      case 'dtmf':
        this.#sendToActor({ type: 'telnyx.dtmf', digit: frame.digit });
        return;
      case 'mark':
        if (this.#output === undefined || this.#output.acceptMarkEcho(frame.name)) this.#sendToActor({ type: 'telnyx.mark', name: frame.name });
        return;
      case 'stop':
        this.#sendToActor({ type: 'telnyx.stop' });
        return;
      case 'error':
        this.stats.telnyxErrors++;
        this.#log.warn({ code: frame.code, title: frame.title, detail: frame.detail }, 'telnyx reported a stream error');
        return;
      case 'unknown':
        this.#logOnce(`unknown:${frame.name}`, () => this.#log.info({ event: frame.name }, 'ignored unknown event'));
        return;
    }
  }

  #onStart(start: StreamStart): void {
    if (this.#started) throw new ProtocolError(ProtocolErrorCode.DuplicateStart, 'second start frame on one stream');
    this.#started = true;
    this.#lastMediaAt = this.#deps.clock.now();
    try {
      const media = this.agent.media;
      const codecOptions = { l16ByteOrder: media.l16ByteOrder };
      const decoder = createDecoder(start.mediaFormat, codecOptions);
      this.#decoder = decoder;
      this.#bytesPerSample = start.mediaFormat.encoding === 'L16' ? 2 : 1;
      const stage = new DecodeStage(decoder, this.#deps.limits.maxPayloadBytes);
      const audio = this.#audio;
      this.#pipeline = this.#packets.observable.pipe(decodeMedia(stage)).subscribe({ next: (frame) => audio.next(frame) });
      const outboundFormat = resolveOutboundFormat(media, start.mediaFormat);
      const encoder = createEncoder(outboundFormat, codecOptions);
      const opus = outboundFormat.encoding === 'OPUS';
      this.#output = new OutboundStream(encoder, createResampler(media.botSampleRate, encoder.sampleRate), this.#deps.writer, this.#send, {
        botSampleRate: media.botSampleRate,
        // Telnyx takes one Opus packet per message; the other codecs concatenate cleanly.
        framesPerMessage: opus ? 1 : media.outbound.framesPerMessage,
        prebufferFrames: media.outbound.prebufferFrames,
        leadFrames: media.outbound.leadFrames,
        maxQueuedMs: this.#deps.limits.maxQueuedAudioMs,
      });
    } catch (error) {
      if (!isUnsupportedCodecError(error) && !(error instanceof UnsupportedResampleRateError)) throw error;
      this.#sendToActor({ type: 'codec.unsupported', message: error.message });
      return;
    }
    this.#deps.pacer.add(this);
    this.#sendToActor({ type: 'telnyx.start', start });
  }

  readonly #onClose = (code: number): void => {
    this.#sendToActor({ type: 'socket.closed', code });
  };

  readonly #onSocketError = (error: Error): void => {
    this.#log.warn({ err: error }, 'media socket error');
  };

  #sendToActor(event: Parameters<Actor<CallMachine>['send']>[0]): void {
    if (!this.#released) this.actor.send(event);
  }

  #reject(error: unknown): void {
    if (!(error instanceof ProtocolError)) {
      this.stats.rejectedFrames++;
      this.#log.error({ err: error }, 'inbound frame handling failed');
      return;
    }
    this.stats.rejectedFrames++;
    const count = (this.stats.rejectedByCode.get(error.code) ?? 0) + 1;
    this.stats.rejectedByCode.set(error.code, count);
    if (count === 1) this.#log.warn({ code: error.code, detail: error.message }, 'rejected inbound frame');
  }

  #logOnce(key: string, write: () => void): void {
    if (this.#logged.has(key)) return;
    this.#logged.add(key);
    write();
  }

  #finish(output: CallOutput): void {
    if (this.#ended) return;
    this.#ended = true;
    const outbound = this.#output?.stats;
    this.#log.info(
      {
        reason: output.reason,
        durationMs: Math.round(this.#deps.clock.now() - this.startedAt),
        framesIn: this.stats.framesIn,
        framesOut: outbound?.framesSent ?? 0,
        messagesOut: outbound?.messagesSent ?? 0,
        marksOut: outbound?.marksSent ?? 0,
        outboundUnderruns: outbound?.underruns ?? 0,
        rejectedFrames: this.stats.rejectedFrames,
        rejectedByCode: Object.fromEntries(this.stats.rejectedByCode),
        telnyxErrors: this.stats.telnyxErrors,
      },
      'call ended',
    );
    this.#deps.onEnded(this, output);
  }
}

import { callPreparationOf, type PreparedCall } from '../bots/callPreparation.js';
import { disposeQuietly, runPreparation, type PreparedCalls } from './preparedCalls.js';
import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { createActor, type Actor } from 'xstate';
import type { WebSocket, RawData } from 'ws';
import type { CallCommands, CallPort } from '../actors/callPort.js';
import { UNAUTHORIZED_CLOSE_CODE, VIOLATION_CLOSE_CODE, type CallMachine, type CallOutput } from '../actors/call.machine.js';
import type { AudioFrame, EndReason, RecordingSaved } from '../bots/api.js';
import { createDecoder, createEncoder } from '../codecs/createCodec.js';
import { L16Decoder, L16Encoder } from '../codecs/l16.js';
import { L16ByteOrderWatch } from './l16ByteOrderWatch.js';
import { resolveBotSampleRate } from '../bots/botSampleRate.js';
import { FrameChannel } from '../codecs/frameChannel.js';
import { isUnsupportedCodecError } from '../codecs/errors.js';
import { JitterStats } from '../codecs/jitter/jitterStats.js';
import { PacerTicks } from '../codecs/jitter/pacerTicks.js';
import { PlayoutStage } from '../codecs/jitter/playoutStage.js';
import { playout } from '../codecs/operators/playout.js';
import { resampleFrames } from '../codecs/operators/resampleFrames.js';
import type { Resampler } from '../codecs/resample/types.js';
import { DtmfOrdering } from './dtmfOrdering.js';
import { createResampler } from '../codecs/resample/createResampler.js';
import { UnsupportedResampleRateError } from '../codecs/resample/errors.js';
import type { AudioDecoder } from '../codecs/types.js';
import type { AgentDefinition } from './agent.js';
import { SessionCallCommands, UNAVAILABLE_CALL_COMMANDS } from './callCommands.js';
import { CaptureWriter } from './capture/captureWriter.js';
import { CallRecorder } from './recording/callRecorder.js';
import { recordingFileName } from './recording/recordingFile.js';
import type { CallSummary } from './engineStats.js';
import type { LiveCallView } from './metrics.js';
import type { Clock } from './clock.js';
import { newCallId, type CallId } from './ids.js';
import type { Logger } from './logger.js';
import { OutboundStream, type OutboundFrameWriter } from './outboundStream.js';
import { resolveOutboundFormat } from './mediaFormats.js';
import type { PacedStream, Pacer } from './pacer.js';
import { closeRefused, cutOff, isPeerProtocolError } from './closeRefused.js';
import { DEFAULT_INBOUND_CONDUCT, InboundConduct, type ConductViolation } from './inboundConduct.js';
import { clip } from './logging/clip.js';
import { LogBudget, SUPPRESSED } from './logging/logBudget.js';
import type { EngineLogBudgets } from './logging/sharedLogBudget.js';
import { PlaybackCheck } from './playbackCheck.js';
import { secretsEqual } from './secrets.js';
import type { CallControl } from './telnyx/callControl.js';
import { FRAME_TOO_LARGE, oversizedControlFrame, tooLargeToRead } from './telnyx/controlFrameSize.js';
import { ProtocolError, ProtocolErrorCode } from './telnyx/errors.js';
import { telnyxStreamFormat } from './telnyx/streamFormat.js';
import type { ControlFrame, MediaPacket, StreamStart } from './telnyx/frames.js';
import { TelnyxFrameParser } from './telnyx/parseInbound.js';

/** Engine services a call needs. */
export interface CallSessionDeps {
  readonly clock: Clock;
  readonly pacer: Pacer;
  readonly log: Logger;
  readonly writer: OutboundFrameWriter;
  readonly limits: CallLimits;
  /** Folder to write each call's capture into (`serve --capture DIR`); none when undefined. */
  readonly captureDir?: string | undefined;
  /** Called once when the call has ended and released everything. */
  readonly onEnded: (session: CallSession, output: CallOutput, summary: CallSummary) => void;
  /** Telnyx Call Control; undefined when the engine has no API key. */
  readonly callControl?: CallControl | undefined;
  /** Called once `start` has been accepted, when the call's `call_control_id` is known. */
  readonly onStarted?: ((session: CallSession) => void) | undefined;
  /** The engine's shared log budgets; every line that outside input can cause goes through them. */
  readonly logBudgets: EngineLogBudgets;
  /** What bots prepared for Call Control calls before their streams; absent: nothing is prepared early. */
  readonly preparedCalls?: PreparedCalls | undefined;
  /** Called when the call's own WAV recording is complete on disk (not when writing it failed). */
  /** Called with a bot's finished conversation (AI agents), for the app's `transcript.ready`. */
  readonly onTranscript?: ((session: CallSession, transcript: Readonly<Record<string, unknown>>) => void) | undefined;
  readonly onRecordingWritten?: ((session: CallSession, path: string) => void) | undefined;
}

/** Most fields a bot may add to its call's last log line. */
const MAX_ANNOTATIONS = 8;

/** What the engine learned about a stream before its first frame. */
export interface StreamAdmission {
  /**
   * True when the agent needs no stream auth token, or the upgrade request already presented it
   * (header or URL `token`). False: the `connected` frame must carry it, or the stream is refused.
   */
  readonly authenticated: boolean;
  /** Parameters the engine holds for this stream (a dial-out's), under the `start` frame's own. */
  readonly parameters: Readonly<Record<string, string>>;
  /**
   * Key of the work the agent's bot prepared for this call before the stream (a Call Control call);
   * undefined for a stream the engine did not start itself (TeXML), which prepares at `connected`.
   */
  readonly preparedKey?: string | undefined;
}

/** A stream that needs nothing more. */
export const OPEN_ADMISSION: StreamAdmission = { authenticated: true, parameters: {} };

/** Per-call size limits. */
export interface CallLimits {
  /** Largest decoded media payload accepted, in bytes. */
  readonly maxPayloadBytes: number;
  /** Cap on queued outbound audio, in milliseconds. */
  readonly maxQueuedAudioMs: number;
  /** Sustained inbound messages per second a call may send (Telnyx sends about 50); beyond it messages are dropped. Default 200. */
  readonly maxInboundMessagesPerSecond?: number | undefined;
  /** Messages that may arrive at once above that rate, e.g. the backlog after a network stall. Default 1000 (20 s of media). */
  readonly inboundBurstMessages?: number | undefined;
  /** Bytes the socket may hold unsent (a reader that stopped reading); beyond it outbound frames are dropped. Default 1 MiB. */
  readonly maxSendBufferBytes?: number | undefined;
  /**
   * Rejected frames (malformed, oversized, over the message rate, ...) a call may send within 10 s
   * before it is closed with 1008 `protocol_violation`: Telnyx sends none. Default 100.
   */
  readonly maxRejectedFramesPer10s?: number | undefined;
}

const DEFAULT_SEND_BUFFER_BYTES = 1024 * 1024;

/** Counters of one call, summed up in its last log line. */
export interface CallStats {
  messagesIn: number;
  framesIn: number;
  /** `media` frames of the `outbound` track (sent with `both_tracks`), which are not the caller. */
  otherTrackFrames: number;
  rejectedFrames: number;
  telnyxErrors: number;
  /** Outbound frames dropped because the socket's send buffer was over its cap (the far end stopped reading). */
  outboundDropped: number;
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
    outboundDropped: 0,
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
  /** Key presses, put back in Telnyx's order and rid of repeats before the bot gets them. */
  readonly #dtmf: DtmfOrdering;
  readonly #audio = new FrameChannel<AudioFrame>();
  #pipeline: Subscription | undefined;
  /** Inbound playout ticks, driven by the shared pacer just before the outbound side. */
  readonly #ticks: PacerTicks;
  #playout: PlayoutStage | undefined;
  #toBot: Resampler | undefined;
  readonly #capture: CaptureWriter | undefined;
  #recorder: CallRecorder | undefined;
  /** Pacer ticks since the stream started: the recording's time base. */
  #tick = 0;
  readonly #maxSendBufferBytes: number;
  readonly #conduct: InboundConduct;
  #output: OutboundStream | undefined;
  #decoder: AudioDecoder | undefined;
  /** Rate the bot hears and plays on this call, resolved at `start`. */
  #botSampleRate = 8000;
  /** Set on L16 calls for their first seconds: corrects a stream that arrives byte-swapped. */
  #l16Watch: L16ByteOrderWatch | undefined;
  /** This call's own log budget: one line per kind every 10 s, with a count of those held back. */
  readonly #lines: LogBudget;
  #violated = false;
  #bytesPerSample = 1;
  #authenticated: boolean;
  readonly #admission: StreamAdmission;
  #prepared: PreparedCall | undefined;
  readonly #annotations = new Map<string, unknown>();
  #commands: CallCommands | undefined;
  #start: StreamStart | undefined;
  readonly #playbackCheck: PlaybackCheck;
  #started = false;
  #released = false;
  #ended = false;
  #lastMediaAt: number;

  constructor(ws: WebSocket, agent: AgentDefinition, deps: CallSessionDeps, admission: StreamAdmission = OPEN_ADMISSION) {
    this.#ws = ws;
    this.agent = agent;
    this.#deps = deps;
    this.#admission = admission;
    this.#authenticated = admission.authenticated || agent.streamAuthToken === undefined;
    this.#log = deps.log.child({ callId: this.id, agent: `${agent.name}.${agent.org}` });
    this.#dtmf = new DtmfOrdering(deps.clock, (digit) => this.#sendToActor({ type: 'telnyx.dtmf', digit }));
    this.startedAt = deps.clock.now();
    this.#lastMediaAt = this.startedAt;
    this.#parser = new TelnyxFrameParser({ maxPayloadBytes: deps.limits.maxPayloadBytes });
    this.#ticks = new PacerTicks(deps.clock);
    this.#maxSendBufferBytes = deps.limits.maxSendBufferBytes ?? DEFAULT_SEND_BUFFER_BYTES;
    this.#conduct = new InboundConduct(deps.clock, {
      messagesPerSecond: deps.limits.maxInboundMessagesPerSecond ?? DEFAULT_INBOUND_CONDUCT.messagesPerSecond,
      burst: deps.limits.inboundBurstMessages ?? DEFAULT_INBOUND_CONDUCT.burst,
      rejectedFramesPerWindow: deps.limits.maxRejectedFramesPer10s ?? DEFAULT_INBOUND_CONDUCT.rejectedFramesPerWindow,
      messagesBeforeStart: DEFAULT_INBOUND_CONDUCT.messagesBeforeStart,
    });
    this.#lines = new LogBudget(deps.clock, { linesPerSecond: 0.1, burst: 1 });
    this.#capture = deps.captureDir === undefined ? undefined : this.#openCapture(deps.captureDir);
    this.#playbackCheck = new PlaybackCheck(deps.clock, this.#log, () => this.#output, telnyxStreamFormat(agent.media), `${agent.name}.${agent.org}`);

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
    this.#log.debug('media stream connected');
    this.actor.start();
  }

  /**
   * Handles a message that arrived before this session existed: the `connected` frame that
   * authenticated the stream while it was held at the gate.
   */
  receiveEarlyMessage(data: Buffer): void {
    this.#onMessage(data, false);
  }

  /** The child logger bound to this call. */
  get log(): Logger {
    return this.#log;
  }

  /** Telnyx's id of the call, from `start`; undefined before it. */
  get callControlId(): string | undefined {
    return this.#start?.callControlId;
  }

  /** The stream's `start` (parties, ids, media format); undefined before it. */
  get streamStart(): StreamStart | undefined {
    return this.#start;
  }

  /** Where the bot transferred the call, once it asked to. */
  get transferTarget(): string | undefined {
    return this.actor.getSnapshot().context.transferTo;
  }

  /** Call Control bound to this call; exists once `start` has named the call. */
  get callControl(): CallCommands | undefined {
    return this.#commands;
  }

  /** Telnyx reported the call hung up (`call.hangup`); ends the call if its stream is still open. */
  telnyxHungUp(): void {
    this.#sendToActor({ type: 'telnyx.hangup' });
  }

  /** Telnyx saved a recording of this call; the bot hears of it. */
  recordingSaved(recording: RecordingSaved): void {
    this.#sendToActor({ type: 'telnyx.recording', recording });
  }

  get audio(): Observable<AudioFrame> {
    return this.#audio.observable;
  }

  /** The bot's outbound queue; exists once `start` has named the codecs. */
  get output(): OutboundStream {
    if (this.#output === undefined) throw new Error('the outbound stream exists only after start');
    return this.#output;
  }

  /** One tick of the shared pacer: the bot hears the next inbound frame, then its next outbound audio goes out. */
  pace(): void {
    this.#ticks.pace();
    this.#output?.pace();
    this.#tick++;
  }

  /** Starts the call's stereo WAV recording (agent `recording.dir`), if not already on; returns its path. */
  recordLocally(): string {
    if (this.#recorder !== undefined) return this.#recorder.path;
    if (this.#output === undefined || this.#released) throw new Error('the call is not streaming');
    const path = join(this.agent.recording.dir, recordingFileName(this.id));
    const recorder = new CallRecorder(path, {
      sampleRate: this.#botSampleRate,
      clock: this.#deps.clock,
      firstTick: this.#tick,
      onError: (error) => this.#log.warn({ err: error, path }, 'recording stopped: cannot write the file'),
    });
    this.#recorder = recorder;
    this.#output.setRecorder(recorder);
    this.#log.info({ path }, 'recording the call');
    return path;
  }

  /** What `/metrics` shows of this call; read when scraped. */
  liveView(): LiveCallView {
    const state = this.actor.getSnapshot().value;
    const jitter = this.jitter;
    return {
      agentKey: `${this.agent.name}.${this.agent.org}`,
      state: typeof state === 'string' ? state : (Object.keys(state)[0] ?? 'unknown'),
      framesIn: this.stats.framesIn,
      framesOut: this.#output?.stats.framesSent ?? 0,
      concealedFrames: jitter.concealedFrames,
      playoutTicks: jitter.ticks,
    };
  }

  /** Inbound jitter-buffer counters; zero before `start`. */
  get jitter(): JitterStats {
    return this.#playout?.stats ?? EMPTY_JITTER;
  }

  lastMediaAt(): number {
    return this.#lastMediaAt;
  }

  outboundDrained(): boolean {
    // A closed socket plays nothing more: what was sent ahead is as played as it will ever be.
    return this.#output === undefined || this.#output.drained || this.#ws.readyState !== this.#ws.OPEN;
  }

  /**
   * Ends a stream that has not started yet (`start_timeout`), to make room for a newer one when
   * the engine is at its cap of pending streams; a started call ignores it.
   */
  evictBeforeStart(): void {
    this.#sendToActor({ type: 'stream.evicted' });
  }

  /** Ends the call from outside, for example on engine shutdown. */
  shutdown(): void {
    this.#sendToActor({ type: 'engine.shutdown' });
  }

  close(code: number, reason: string): void {
    if (code === VIOLATION_CLOSE_CODE || code === UNAUTHORIZED_CLOSE_CODE) return closeRefused(this.#ws, code, reason);
    const state = this.#ws.readyState;
    if (state === this.#ws.OPEN || state === this.#ws.CONNECTING) this.#ws.close(code, reason);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#playbackCheck.stop();
    this.#deps.pacer.remove(this);
    this.#pipeline?.unsubscribe();
    this.#packets.complete();
    this.#audio.complete();
    this.#decoder?.close();
    this.#decoder = undefined;
    this.#toBot?.close();
    // Prepared for a call whose bot never started (refused, or closed before start).
    if (this.#prepared !== undefined) disposeQuietly(this.#prepared, this.#log);
    this.#prepared = undefined;
    this.#output?.setRecorder(undefined);
    this.#output?.close();
    // Everything heard so far is on disk after this; the WAV header was kept right at every flush.
    const recorder = this.#recorder;
    if (recorder !== undefined) {
      void recorder.close().then(() => {
        if (recorder.stats.error === undefined) this.#deps.onRecordingWritten?.(this, recorder.path);
      });
    }
  }

  readonly #send = (text: string): void => {
    const ws = this.#ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.#maxSendBufferBytes) {
      // Memory must not grow with a reader that stopped reading; what it missed is gone anyway.
      if (this.stats.outboundDropped++ === 0 && this.#deps.logBudgets.edge.take('slow_reader') !== SUPPRESSED) {
        this.#log.warn({ bufferedBytes: ws.bufferedAmount }, 'media socket is not reading; dropping outbound frames');
      }
      return;
    }
    ws.send(text);
    this.#capture?.outbound(this.#capture.now(), text);
  };

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#released) return;
    const arrivedAt = this.#capture?.now() ?? 0;
    this.stats.messagesIn++;
    const chatter = this.#started ? undefined : this.#conduct.checkBeforeStart(this.stats.messagesIn);
    if (chatter !== undefined) {
      this.#capture?.inbound(arrivedAt, data as Buffer, isBinary, false);
      this.#violate(chatter);
      return;
    }
    let validJson = !isBinary;
    try {
      if (!this.#conduct.takeMessage()) throw RATE_LIMITED;
      if (isBinary) throw new ProtocolError(ProtocolErrorCode.BinaryMessage, 'binary WebSocket message; Telnyx sends text frames');
      const buffer = data as Buffer;
      if (tooLargeToRead(buffer)) throw FRAME_TOO_LARGE;
      const frame = this.#parser.parse(buffer);
      if (oversizedControlFrame(frame.event, buffer.length)) throw FRAME_TOO_LARGE;
      if (frame.event === 'media') this.#onMedia(frame);
      else this.#onControl(frame);
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.code === ProtocolErrorCode.MalformedJson) validJson = false;
      this.#reject(error);
    } finally {
      this.#capture?.inbound(arrivedAt, data as Buffer, isBinary, validJson);
    }
  };

  #openCapture(dir: string): CaptureWriter {
    return new CaptureWriter(
      dir,
      { callId: this.id, serviceHost: `${this.agent.name}.${this.agent.org}`, startedAt: new Date().toISOString(), inbound: null, outbound: null },
      { onError: (error) => this.#log.warn({ err: error }, 'capture stopped: cannot write the file') },
    );
  }

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
    if (this.#l16Watch !== undefined && !this.#l16Watch.observe(packet.payload, packet.length)) this.#l16Watch = undefined;
    this.#packets.next(packet);
  }

  #onControl(frame: ControlFrame): void {
    // Telnyx numbers its control frames with the media: the jitter buffer must not take the numbers
    // they use for lost audio.
    if ('sequenceNumber' in frame && frame.sequenceNumber !== undefined) this.#playout?.reorder.noteControlSequence(frame.sequenceNumber);
    switch (frame.event) {
      case 'connected':
        if (!this.#authenticated) {
          const expected = this.agent.streamAuthToken!;
          if (frame.authToken === undefined || !secretsEqual(frame.authToken, expected)) {
            this.#refuse(frame.authToken === undefined ? 'connected frame has no stream auth token' : 'connected frame has the wrong stream auth token');
            return;
          }
          this.#authenticated = true;
        }
        this.#prepareAtConnected();
        this.#sendToActor({ type: 'telnyx.connected' });
        return;
      case 'start':
        this.#onStart(frame.start);
        return;
      case 'dtmf':
        this.#dtmf.accept(frame);
        return;
      case 'mark':
        if (this.#output === undefined || this.#output.acceptMarkEcho(frame.name)) this.#sendToActor({ type: 'telnyx.mark', name: frame.name });
        return;
      case 'stop':
        // Key presses still held for ordering reach the bot before the stream's end does.
        this.#dtmf.flush();
        this.#sendToActor({ type: 'telnyx.stop' });
        return;
      case 'error': {
        this.stats.telnyxErrors++;
        const heldBack = this.#deps.logBudgets.edge.take('telnyx_error', this.#lines);
        if (heldBack !== SUPPRESSED) {
          const detail = frame.detail === undefined ? undefined : clip(frame.detail);
          this.#log.warn({ code: frame.code, title: clip(frame.title), detail, alsoSinceLastLine: heldBack }, 'telnyx reported a stream error');
        }
        this.#playbackCheck.telnyxError(frame.code);
        return;
      }
      case 'unknown': {
        const heldBack = this.#deps.logBudgets.edge.take('unknown_event', this.#lines);
        if (heldBack !== SUPPRESSED) this.#log.info({ event: clip(frame.name), alsoSinceLastLine: heldBack }, 'ignored unknown event');
        return;
      }
    }
  }

  /**
   * A stream the engine did not start itself (TeXML) is first known here: the bot's preparation
   * runs now, a few round trips before `start`. Call Control streams were prepared earlier.
   */
  #prepareAtConnected(): void {
    if (this.#admission.preparedKey !== undefined || this.#prepared !== undefined || this.#deps.preparedCalls === undefined) return;
    const prepare = callPreparationOf(this.agent.bot);
    if (prepare === undefined) return;
    this.#prepared = runPreparation(this.agent, prepare, { callControlId: undefined, from: undefined, to: undefined, customParameters: this.agent.customParameters }, this.#log);
  }

  /** Adds `value` under `key` to the call's last log line; a bot has up to 8 keys, later values win. */
  annotate(key: string, value: unknown): void {
    if (this.#annotations.size >= MAX_ANNOTATIONS && !this.#annotations.has(key)) return;
    this.#annotations.set(key, value);
  }

  /** The bot's finished conversation: handed to the engine's call events as `transcript.ready`. */
  reportTranscript(transcript: Readonly<Record<string, unknown>>): void {
    this.#deps.onTranscript?.(this, transcript);
  }

  /** What the bot prepared for this call, handed over once; the bot owns it from then on. */
  takePrepared(): PreparedCall | undefined {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    return prepared;
  }

  #onStart(frameStart: StreamStart): void {
    if (this.#started) throw new ProtocolError(ProtocolErrorCode.DuplicateStart, 'second start frame on one stream');
    if (!this.#authenticated) {
      this.#refuse('start arrived before a stream auth token');
      return;
    }
    this.#started = true;
    const start = this.#withAdmissionParameters(frameStart);
    this.#start = start;
    const key = this.#admission.preparedKey;
    const early = key === undefined ? undefined : this.#deps.preparedCalls?.take(key, this.agent);
    if (early !== undefined) {
      if (this.#prepared !== undefined) disposeQuietly(this.#prepared, this.#log);
      this.#prepared = early;
    }
    const control = this.#deps.callControl;
    this.#commands = control === undefined ? UNAVAILABLE_CALL_COMMANDS : new SessionCallCommands(control, start.callControlId, start.streamId, () => this.#released);
    this.#lastMediaAt = this.#deps.clock.now();
    try {
      const media = this.agent.media;
      const codecOptions = { l16ByteOrder: media.l16ByteOrder };
      const decoder = createDecoder(start.mediaFormat, codecOptions);
      this.#decoder = decoder;
      this.#bytesPerSample = start.mediaFormat.encoding === 'L16' ? 2 : 1;
      // Resampling first: it refuses a rate outside 8/16/24/48 kHz with a typed error, where the
      // playout stage would only see a frame size that is not a whole number of samples.
      const botSampleRate = resolveBotSampleRate(media.botSampleRate, start.mediaFormat);
      this.#botSampleRate = botSampleRate;
      const toBot = createResampler(decoder.sampleRate, botSampleRate);
      this.#toBot = toBot;
      const stage = new PlayoutStage(decoder, {
        minTargetMs: media.jitter.minDelayMs,
        maxTargetMs: media.jitter.maxDelayMs,
        ...(media.jitter.timeStretch ? {} : { timeStretch: false as const }),
      });
      this.#playout = stage;
      const audio = this.#audio;
      this.#pipeline = this.#packets.observable
        .pipe(playout(stage, this.#ticks, this.#deps.clock), resampleFrames(toBot))
        .subscribe({
          next: (frame) => {
            this.#recorder?.caller(this.#tick, frame.samples, frame.sampleCount);
            audio.next(frame);
          },
          error: (error: unknown) => this.#onPipelineError(error),
        });
      const outboundFormat = resolveOutboundFormat(media, start.mediaFormat);
      this.#capture?.setInbound({ encoding: start.mediaFormat.encoding, sampleRate: start.mediaFormat.sampleRate });
      this.#capture?.setOutbound({ encoding: outboundFormat.encoding.toUpperCase(), sampleRate: outboundFormat.sampleRate });
      const encoder = createEncoder(outboundFormat, codecOptions);
      if (decoder instanceof L16Decoder) this.#l16Watch = new L16ByteOrderWatch(decoder, encoder instanceof L16Encoder ? encoder : undefined, this.#log);
      const opus = outboundFormat.encoding === 'OPUS';
      this.#output = new OutboundStream(encoder, createResampler(botSampleRate, encoder.sampleRate), this.#deps.writer, this.#send, {
        botSampleRate,
        // Telnyx takes one Opus packet per message; the other codecs concatenate cleanly.
        framesPerMessage: opus ? 1 : media.outbound.framesPerMessage,
        prebufferFrames: media.outbound.prebufferFrames,
        leadFrames: media.outbound.leadFrames,
        maxQueuedMs: this.#deps.limits.maxQueuedAudioMs,
        msSinceTick: () => this.#deps.pacer.msSinceTick(),
      });
    } catch (error) {
      if (!isUnsupportedCodecError(error) && !(error instanceof UnsupportedResampleRateError)) throw error;
      this.#sendToActor({ type: 'codec.unsupported', message: error.message });
      return;
    }
    this.#deps.pacer.add(this);
    if (this.agent.recording.always) this.recordLocally();
    this.#playbackCheck.start();
    this.#deps.onStarted?.(this);
    if (this.#deps.logBudgets.calls.take('call_streaming') !== SUPPRESSED) {
      const { encoding, sampleRate } = start.mediaFormat;
      this.#log.info({ encoding: clip(encoding), sampleRate, callControlId: clip(start.callControlId) }, 'call streaming');
    }
    this.#sendToActor({ type: 'telnyx.start', start });
  }

  /** The `start` content with the engine's own parameters for this stream underneath Telnyx's. */
  #withAdmissionParameters(start: StreamStart): StreamStart {
    const held = this.#admission.parameters;
    if (Object.keys(held).length === 0) return start;
    return { ...start, customParameters: { ...held, ...start.customParameters } };
  }

  /** Refuses a stream that did not authenticate: logged here, closed (4401) by the machine before any bot starts. */
  #refuse(detail: string): void {
    if (this.#deps.logBudgets.edge.take('refused:bad_auth_token') !== SUPPRESSED) this.#log.warn({ detail, closeCode: 4401 }, 'refused media stream: missing or wrong stream auth token');
    this.#sendToActor({ type: 'stream.unauthorized' });
  }

  readonly #onClose = (code: number, reason: Buffer): void => {
    void this.#capture?.close(code, reason.toString());
    this.#dtmf.flush();
    this.#sendToActor({ type: 'socket.closed', code });
  };

  readonly #onSocketError = (error: Error): void => {
    if (this.#deps.logBudgets.edge.take('socket_error') !== SUPPRESSED) this.#log.warn({ err: error }, 'media socket error');
    // ws has sent its close (1009 for an oversized message); what the peer sends after it is not read.
    if (isPeerProtocolError(error)) cutOff(this.#ws);
  };

  #sendToActor(event: Parameters<Actor<CallMachine>['send']>[0]): void {
    if (!this.#released) this.actor.send(event);
  }

  #reject(error: unknown): void {
    this.stats.rejectedFrames++;
    const violation = this.#conduct.noteRejected(error === RATE_LIMITED);
    if (violation !== undefined) this.#violate(violation);
    if (!(error instanceof ProtocolError)) {
      if (this.#deps.logBudgets.edge.take('frame_handling_failed', this.#lines) !== SUPPRESSED) this.#log.error({ err: error }, 'inbound frame handling failed');
      return;
    }
    this.stats.rejectedByCode.set(error.code, (this.stats.rejectedByCode.get(error.code) ?? 0) + 1);
    const heldBack = this.#deps.logBudgets.edge.take(error.code, this.#lines);
    if (heldBack !== SUPPRESSED) this.#log.warn({ code: error.code, detail: clip(error.message, 160), alsoSinceLastLine: heldBack }, 'rejected inbound frame');
  }

  /** Closes the stream with 1008 `protocol_violation`, once: it has shown it is not a carrier. */
  #violate(why: ConductViolation): void {
    if (this.#violated) return;
    this.#violated = true;
    if (this.#deps.logBudgets.edge.take('protocol_violation') !== SUPPRESSED) {
      this.#log.warn({ why, messagesIn: this.stats.messagesIn, rejectedFrames: this.stats.rejectedFrames, closeCode: 1008 }, 'closing a stream that keeps sending what no carrier sends');
    }
    this.#sendToActor({ type: 'stream.violation' });
  }

  /** The inbound pipeline failed (a bug, not bad input: bad input is rejected at the edge): end this call only. */
  #onPipelineError(error: unknown): void {
    this.#log.error({ err: error }, 'inbound audio pipeline failed');
    this.#sendToActor({ type: 'engine.failure' });
  }

  #finish(output: CallOutput): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#dtmf.dispose();
    const outbound = this.#output?.stats;
    const jitter = this.jitter;
    // The unit the jitter buffer learned for media.timestamp (Telnyx leaves it undocumented); NaN when sequence numbers alone timed the audio.
    const timestampStep = this.#playout?.reorder.timestampStep ?? Number.NaN;
    const summary: CallSummary = {
      reason: output.reason,
      durationMs: Math.round(this.#deps.clock.now() - this.startedAt),
      framesIn: this.stats.framesIn,
      framesOut: outbound?.framesSent ?? 0,
      messagesOut: outbound?.messagesSent ?? 0,
      rejectedFrames: this.stats.rejectedFrames,
      jitter: {
        ticks: jitter.ticks,
        concealedFrames: jitter.concealedFrames,
        silenceFrames: jitter.silenceFrames,
        underruns: jitter.underruns,
        late: jitter.late,
        lost: jitter.lost,
        addedDelayMeanMs: Math.round(jitter.addedDelayMeanMs * 10) / 10,
        addedDelayP95Ms: jitter.addedDelayP95Ms,
      },
    };
    // A stream that never started is not a call yet: strangers can open many, so its line is budgeted tighter.
    const budget = this.#started ? this.#deps.logBudgets.calls : this.#deps.logBudgets.edge;
    if (budget.take(this.#started ? 'call_ended' : 'stream_ended_before_start') === SUPPRESSED) {
      this.#deps.onEnded(this, output, summary);
      return;
    }
    this.#log.info(
      {
        ...summary,
        concealedPercent: jitter.ticks === 0 ? 0 : Math.round((jitter.concealedFrames / jitter.ticks) * 1000) / 10,
        marksOut: outbound?.marksSent ?? 0,
        outboundUnderruns: outbound?.underruns ?? 0,
        rejectedByCode: Object.fromEntries(this.stats.rejectedByCode),
        telnyxErrors: this.stats.telnyxErrors,
        otherTrackFrames: this.stats.otherTrackFrames,
        outboundDropped: this.stats.outboundDropped,
        ...(timestampStep > 0 ? { inboundTimestampStep: timestampStep } : {}),
        ...(this.#dtmf.stats.delivered + this.#dtmf.stats.duplicates === 0 ? {} : { dtmf: { ...this.#dtmf.stats } }),
        ...(this.#annotations.size === 0 ? {} : { bot: Object.fromEntries(this.#annotations) }),
      },
      'call ended',
    );
    this.#deps.onEnded(this, output, summary);
  }
}

// Thrown once per dropped message in a flood: made once, as building an Error (and its stack) per
// message would let a flood cost more than the work it is refused.
const RATE_LIMITED = new ProtocolError(ProtocolErrorCode.RateLimited, "inbound message rate over the call's limit");

/** Stats of a call that never started its jitter buffer. */
const EMPTY_JITTER = new JitterStats();

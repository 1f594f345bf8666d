import type { Observable } from 'rxjs';
import { createActor, type Actor } from 'xstate';
import type { WebSocket } from 'ws';
import type { CallCommands, CallPort } from '../../actors/callPort.js';
import type { CallMachine, CallOutput } from '../../actors/call.machine.js';
import type { AudioFrame, EndReason, LiveTurn, RecordingSaved } from '../../bots/api.js';
import type { PreparedCall } from '../../bots/callPreparation.js';
import { FrameChannel } from '../../codecs/frameChannel.js';
import { isUnsupportedCodecError } from '../../codecs/errors.js';
import { JitterStats } from '../../codecs/jitter/jitterStats.js';
import { UnsupportedResampleRateError } from '../../codecs/resample/errors.js';
import type { AgentDefinition } from '../agent.js';
import { SessionCallCommands, UNAVAILABLE_CALL_COMMANDS } from '../callCommands.js';
import type { Clock } from '../clock.js';
import { DtmfOrdering } from '../dtmfOrdering.js';
import type { CallSummary } from '../engineStats.js';
import { newCallId, type CallId } from '../ids.js';
import { clip } from '../logging/clip.js';
import { SUPPRESSED } from '../logging/logBudget.js';
import type { EngineLogBudgets } from '../logging/sharedLogBudget.js';
import type { Logger } from '../logger.js';
import { resolveOutboundFormat } from '../mediaFormats.js';
import type { LiveCallView } from '../metrics.js';
import type { OutboundFrameWriter, OutboundStream } from '../outboundStream.js';
import type { PacedStream, Pacer } from '../pacer.js';
import { PlaybackCheck } from '../playbackCheck.js';
import type { PreparedCalls } from '../preparedCalls.js';
import type { CallControl } from '../telnyx/callControl.js';
import { OPEN_ADMISSION, type StreamAdmission } from '../streamAdmission.js';
import { telnyxStreamFormat } from '../telnyx/streamFormat.js';
import type { MediaPacket, StreamStart } from '../telnyx/frames.js';
import type { CallLimits } from './callLimits.js';
import { newCallStats, type CallStats } from './callStats.js';
import { CallPreparation } from './callPreparation.js';
import { logCallEnded, summarizeCall, type EndedCall } from './callSummary.js';
import { MediaPipeline } from './mediaPipeline.js';
import { MediaSocket } from './mediaSocket.js';
import { SideOutputs } from './sideOutputs.js';

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
  /** Called with a bot's finished conversation (AI agents), for the app's `transcript.ready`. */
  readonly onTranscript?: ((session: CallSession, transcript: Readonly<Record<string, unknown>>) => void) | undefined;
  /** Called when the call's own WAV recording is complete on disk (not when writing it failed). */
  readonly onRecordingWritten?: ((session: CallSession, path: string) => void) | undefined;
}

/** Turns held for the softphone's live transcript; older ones are in the `transcript.ready` event. */
const MAX_LIVE_TURNS = 50;

/** Most fields a bot may add to its call's last log line. */
const MAX_ANNOTATIONS = 8;

/**
 * One Telnyx media WebSocket and the call actor behind it: the coordinator of the call's data plane.
 * A frame's path: the {@link MediaSocket} counts, limits, parses and checks every message once; media
 * goes on here to the {@link MediaPipeline} (jitter buffer, resampler, bot); the bot's audio goes
 * back out through the pipeline's outbound stream, paced, to the socket; {@link SideOutputs} capture
 * and record along the way. The actor is the control plane and gets only control events. Nothing a
 * single call does, receives or throws reaches another call.
 */
export class CallSession implements CallPort, PacedStream {
  readonly id: CallId = newCallId();
  readonly agent: AgentDefinition;
  readonly startedAt: number;
  readonly stats: CallStats = newCallStats();
  readonly actor: Actor<CallMachine>;
  endReason: EndReason | undefined;
  pacerSlot = -1;

  readonly #deps: CallSessionDeps;
  readonly #log: Logger;
  readonly #socket: MediaSocket;
  readonly #sideOutputs: SideOutputs;
  /** Key presses, put back in Telnyx's order and rid of repeats before the bot gets them. */
  readonly #dtmf: DtmfOrdering;
  readonly #audio = new FrameChannel<AudioFrame>();
  /** Built at `start`; stays undefined when the call's codec is refused. */
  #pipeline: MediaPipeline | undefined;
  readonly #admission: StreamAdmission;
  readonly #preparation: CallPreparation;
  readonly #annotations = new Map<string, unknown>();
  readonly #turns: LiveTurn[] = [];
  #commands: CallCommands | undefined;
  #start: StreamStart | undefined;
  readonly #playbackCheck: PlaybackCheck;
  #released = false;
  #ended = false;
  #lastMediaAt: number;

  constructor(ws: WebSocket, agent: AgentDefinition, deps: CallSessionDeps, admission: StreamAdmission = OPEN_ADMISSION) {
    this.agent = agent;
    this.#deps = deps;
    this.#admission = admission;
    const agentKey = `${agent.name}.${agent.org}`;
    this.#log = deps.log.child({ callId: this.id, agent: agentKey });
    this.#dtmf = new DtmfOrdering(deps.clock, (digit) => this.#sendToActor({ type: 'telnyx.dtmf', digit }));
    this.startedAt = deps.clock.now();
    this.#lastMediaAt = this.startedAt;
    this.#preparation = new CallPreparation(agent, this.#log, deps.preparedCalls, admission.preparedKey, admission.parameters);
    this.#sideOutputs = new SideOutputs({ callId: this.id, agentKey, clock: deps.clock, log: this.#log }, deps.captureDir);
    this.#playbackCheck = new PlaybackCheck(deps.clock, this.#log, () => this.#pipeline?.output, telnyxStreamFormat(agent.media), agentKey);
    this.#socket = new MediaSocket(
      ws,
      {
        clock: deps.clock,
        log: this.#log,
        logBudgets: deps.logBudgets,
        limits: deps.limits,
        stats: this.stats,
        requiredAuthToken: admission.authenticated ? undefined : agent.streamAuthToken,
        capture: this.#sideOutputs.capture,
      },
      {
        connected: () => this.#onConnected(),
        start: (start) => this.#onStart(start),
        media: (packet) => this.#onMedia(packet),
        controlSequence: (sequenceNumber) => this.#pipeline?.noteControlSequence(sequenceNumber),
        dtmf: (frame) => this.#dtmf.accept(frame),
        mark: (name) => this.#onMark(name),
        stop: () => this.#onStop(),
        telnyxError: (code) => this.#playbackCheck.telnyxError(code),
        unauthorized: () => this.#sendToActor({ type: 'stream.unauthorized' }),
        violated: () => this.#sendToActor({ type: 'stream.violation' }),
        closed: (code) => this.#onClosed(code),
      },
    );

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
    this.#socket.receive(data);
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
    const output = this.#pipeline?.output;
    if (output === undefined) throw new Error('the outbound stream exists only after start');
    return output;
  }

  /** One tick of the shared pacer: the bot hears the next inbound frame, then its next outbound audio goes out. */
  pace(): void {
    this.#pipeline?.pace();
    this.#sideOutputs.tick();
  }

  /** Starts the call's stereo WAV recording (agent `recording.dir`), if not already on; returns its path. */
  recordLocally(): string {
    const recording = this.#sideOutputs.recordingPath;
    if (recording !== undefined) return recording;
    const pipeline = this.#pipeline;
    const output = pipeline?.output;
    if (pipeline === undefined || output === undefined || this.#released) throw new Error('the call is not streaming');
    return this.#sideOutputs.record(this.agent.recording.dir, output, pipeline.botSampleRate);
  }

  /** What `/metrics` shows of this call; read when scraped. */
  liveView(): LiveCallView {
    const state = this.actor.getSnapshot().value;
    const jitter = this.jitter;
    return {
      agentKey: `${this.agent.name}.${this.agent.org}`,
      state: typeof state === 'string' ? state : (Object.keys(state)[0] ?? 'unknown'),
      framesIn: this.stats.framesIn,
      framesOut: this.#pipeline?.output?.stats.framesSent ?? 0,
      concealedFrames: jitter.concealedFrames,
      playoutTicks: jitter.ticks,
    };
  }

  /** Inbound jitter-buffer counters; zero before `start`. */
  get jitter(): JitterStats {
    return this.#pipeline?.jitter ?? EMPTY_JITTER;
  }

  lastMediaAt(): number {
    return this.#lastMediaAt;
  }

  outboundDrained(): boolean {
    const output = this.#pipeline?.output;
    // A closed socket plays nothing more: what was sent ahead is as played as it will ever be.
    return output === undefined || output.drained || !this.#socket.open;
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
    this.#socket.close(code, reason);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#socket.release();
    this.#playbackCheck.stop();
    this.#deps.pacer.remove(this);
    this.#audio.complete();
    this.#pipeline?.close();
    this.#preparation.dispose();
    this.#sideOutputs.closeRecording(this.#deps.onRecordingWritten === undefined ? undefined : (path) => this.#deps.onRecordingWritten?.(this, path));
  }

  /** Adds `value` under `key` to the call's last log line; a bot has up to 8 keys, later values win. */
  annotate(key: string, value: unknown): void {
    if (this.#annotations.size >= MAX_ANNOTATIONS && !this.#annotations.has(key)) return;
    this.#annotations.set(key, value);
  }

  /** The bot's finished conversation: handed to the engine's call events as `transcript.ready`. */
  /** One conversation turn as it happens; the same item and role again replaces it (a cut turn). */
  reportTurn(turn: LiveTurn): void {
    const index = this.#turns.findIndex((held) => held.itemId === turn.itemId && held.role === turn.role);
    if (index >= 0) this.#turns[index] = turn;
    else this.#turns.push(turn);
    if (this.#turns.length > MAX_LIVE_TURNS) this.#turns.shift();
  }

  /** The conversation's latest turns, oldest first (AI agents; empty for other bots). */
  get recentTurns(): readonly LiveTurn[] {
    return this.#turns;
  }

  /** The bot's finished conversation: handed to the engine's call events as `transcript.ready`. */
  reportTranscript(transcript: Readonly<Record<string, unknown>>): void {
    this.#deps.onTranscript?.(this, transcript);
  }

  /** What the bot prepared for this call, handed over once; the bot owns it from then on. */
  takePrepared(): PreparedCall | undefined {
    return this.#preparation.take();
  }

  #onMedia(packet: MediaPacket): void {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) return; // unsupported codec: the call is already ending
    pipeline.checkPayload(packet);
    this.#lastMediaAt = this.#deps.clock.now();
    this.stats.framesIn++;
    pipeline.push(packet);
  }

  #onConnected(): void {
    this.#preparation.connected();
    this.#sendToActor({ type: 'telnyx.connected' });
  }

  #onMark(name: string): void {
    const output = this.#pipeline?.output;
    if (output === undefined || output.acceptMarkEcho(name)) this.#sendToActor({ type: 'telnyx.mark', name });
  }

  #onStop(): void {
    // Key presses still held for ordering reach the bot before the stream's end does.
    this.#dtmf.flush();
    this.#sendToActor({ type: 'telnyx.stop' });
  }

  #onClosed(code: number): void {
    this.#dtmf.flush();
    this.#sendToActor({ type: 'socket.closed', code });
  }

  #onStart(frameStart: StreamStart): void {
    const start = this.#withAdmissionParameters(frameStart);
    this.#start = start;
    this.#preparation.started();
    const control = this.#deps.callControl;
    this.#commands = control === undefined ? UNAVAILABLE_CALL_COMMANDS : new SessionCallCommands(control, start.callControlId, start.streamId, () => this.#released);
    this.#lastMediaAt = this.#deps.clock.now();
    if (!this.#openPipeline(start)) return;
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

  /** Builds the call's audio both ways; false when a codec or rate is refused (the call then ends). */
  #openPipeline(start: StreamStart): boolean {
    const media = this.agent.media;
    try {
      const pipeline = new MediaPipeline(start.mediaFormat, media, {
        clock: this.#deps.clock,
        log: this.#log,
        audio: this.#audio,
        sideOutputs: this.#sideOutputs,
        onError: (error) => this.#onPipelineError(error),
      });
      this.#pipeline = pipeline;
      const outboundFormat = resolveOutboundFormat(media, start.mediaFormat);
      this.#sideOutputs.describeStreams(start.mediaFormat, outboundFormat);
      pipeline.openOutbound(outboundFormat, {
        writer: this.#deps.writer,
        send: this.#socket.send,
        pacer: this.#deps.pacer,
        maxQueuedMs: this.#deps.limits.maxQueuedAudioMs,
      });
      return true;
    } catch (error) {
      if (!isUnsupportedCodecError(error) && !(error instanceof UnsupportedResampleRateError)) throw error;
      this.#sendToActor({ type: 'codec.unsupported', message: error.message });
      return false;
    }
  }

  /** The `start` content with the engine's own parameters for this stream underneath Telnyx's. */
  #withAdmissionParameters(start: StreamStart): StreamStart {
    const held = this.#admission.parameters;
    if (Object.keys(held).length === 0) return start;
    return { ...start, customParameters: { ...held, ...start.customParameters } };
  }

  #sendToActor(event: Parameters<Actor<CallMachine>['send']>[0]): void {
    if (!this.#released) this.actor.send(event);
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
    const pipeline = this.#pipeline;
    const ended: EndedCall = {
      reason: output.reason,
      durationMs: Math.round(this.#deps.clock.now() - this.startedAt),
      stats: this.stats,
      outbound: pipeline?.output?.stats,
      jitter: this.jitter,
      inboundTimestampStep: pipeline?.inboundTimestampStep ?? Number.NaN,
      dtmf: this.#dtmf.stats,
      annotations: this.#annotations,
    };
    const summary = summarizeCall(ended);
    // A stream that never started is not a call yet: strangers can open many, so its line is budgeted tighter.
    const started = this.#socket.started;
    const budget = started ? this.#deps.logBudgets.calls : this.#deps.logBudgets.edge;
    if (budget.take(started ? 'call_ended' : 'stream_ended_before_start') !== SUPPRESSED) logCallEnded(this.#log, summary, ended);
    this.#deps.onEnded(this, output, summary);
  }
}

/** Stats of a call that never started its jitter buffer. */
const EMPTY_JITTER = new JitterStats();

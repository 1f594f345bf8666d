import type { RawData, WebSocket } from 'ws';
import { UNAUTHORIZED_CLOSE_CODE, VIOLATION_CLOSE_CODE } from '../../actors/call.machine.js';
import type { CaptureWriter } from '../capture/captureWriter.js';
import type { Clock } from '../clock.js';
import { closeRefused, cutOff, isPeerProtocolError } from '../closeRefused.js';
import { DEFAULT_INBOUND_CONDUCT, InboundConduct, type ConductViolation } from '../inboundConduct.js';
import { clip } from '../logging/clip.js';
import { LogBudget, SUPPRESSED } from '../logging/logBudget.js';
import type { EngineLogBudgets } from '../logging/sharedLogBudget.js';
import type { Logger } from '../logger.js';
import { secretsEqual } from '../secrets.js';
import { FRAME_TOO_LARGE, oversizedControlFrame, tooLargeToRead } from '../telnyx/controlFrameSize.js';
import { ProtocolError, ProtocolErrorCode } from '../telnyx/errors.js';
import type { ControlFrame, DtmfFrame, MediaPacket, StreamStart } from '../telnyx/frames.js';
import { sharedFrameParser, type TelnyxFrameParser } from '../telnyx/parseInbound.js';
import type { CallLimits } from './callLimits.js';
import type { CallStats } from './callStats.js';

const DEFAULT_SEND_BUFFER_BYTES = 1024 * 1024;

/** What a {@link MediaSocket} hands on: the frames that passed its checks, and its verdicts on the stream. */
export interface MediaSocketEvents {
  /** The `connected` frame of an authenticated stream. */
  connected(): void;
  /** The one `start` of an authenticated stream. */
  start(start: StreamStart): void;
  /** A caller (`inbound` track) media frame after `start`; throwing a `ProtocolError` rejects it. */
  media(packet: MediaPacket): void;
  /** The sequence number of a control frame, which Telnyx counts together with the media. */
  controlSequence(sequenceNumber: number): void;
  /** A key press, in arrival order. */
  dtmf(frame: DtmfFrame): void;
  /** Telnyx echoed the mark `name`. */
  mark(name: string): void;
  /** The stream's `stop` frame. */
  stop(): void;
  /** Telnyx reported an error about what the engine sent (already counted and logged). */
  telnyxError(code: number): void;
  /** The stream did not authenticate (already logged): it must be closed with 4401. */
  unauthorized(): void;
  /** The stream showed it is not a carrier (already logged): it must be closed with 1008. */
  violated(): void;
  /** The socket closed. */
  closed(code: number): void;
}

/** What a {@link MediaSocket} needs of its call. */
export interface MediaSocketOptions {
  readonly clock: Clock;
  /** The call's logger. */
  readonly log: Logger;
  readonly logBudgets: EngineLogBudgets;
  readonly limits: CallLimits;
  /** The call's counters; the socket keeps those of messages, rejections and drops. */
  readonly stats: CallStats;
  /** The token the `connected` frame must carry; undefined when the stream is already authenticated. */
  readonly requiredAuthToken: string | undefined;
  /** Where every message in and out is captured, if the engine captures calls. */
  readonly capture: CaptureWriter | undefined;
}

/**
 * The edge of one Telnyx media WebSocket: every inbound message is counted, held to the call's
 * message rate and size limits, parsed once and checked against the stream protocol (a token
 * before `start`, one `start`, media only after it), then handed on as one {@link MediaSocketEvents}
 * call; whatever fails is rejected, counted and logged within the log budgets, and a stream that
 * keeps failing is judged not to be a carrier. Outbound text goes out unless the peer stopped
 * reading. Allocation-free per media frame.
 */
export class MediaSocket {
  readonly #ws: WebSocket;
  readonly #events: MediaSocketEvents;
  readonly #log: Logger;
  readonly #logBudgets: EngineLogBudgets;
  readonly #stats: CallStats;
  readonly #capture: CaptureWriter | undefined;
  readonly #parser: TelnyxFrameParser;
  readonly #conduct: InboundConduct;
  readonly #maxSendBufferBytes: number;
  /** This call's own log budget: one line per kind every 10 s, with a count of those held back. */
  readonly #lines: LogBudget;
  #requiredAuthToken: string | undefined;
  #started = false;
  #violated = false;
  #released = false;

  constructor(ws: WebSocket, options: MediaSocketOptions, events: MediaSocketEvents) {
    const { clock, limits } = options;
    this.#ws = ws;
    this.#events = events;
    this.#log = options.log;
    this.#logBudgets = options.logBudgets;
    this.#stats = options.stats;
    this.#capture = options.capture;
    this.#parser = sharedFrameParser(limits.maxPayloadBytes);
    this.#conduct = new InboundConduct(clock, {
      messagesPerSecond: limits.maxInboundMessagesPerSecond ?? DEFAULT_INBOUND_CONDUCT.messagesPerSecond,
      burst: limits.inboundBurstMessages ?? DEFAULT_INBOUND_CONDUCT.burst,
      rejectedFramesPerWindow: limits.maxRejectedFramesPer10s ?? DEFAULT_INBOUND_CONDUCT.rejectedFramesPerWindow,
      messagesBeforeStart: DEFAULT_INBOUND_CONDUCT.messagesBeforeStart,
    });
    this.#maxSendBufferBytes = limits.maxSendBufferBytes ?? DEFAULT_SEND_BUFFER_BYTES;
    this.#lines = new LogBudget(clock, { linesPerSecond: 0.1, burst: 1 });
    this.#requiredAuthToken = options.requiredAuthToken;
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onClose);
    ws.on('error', this.#onSocketError);
  }

  /** True once the stream's `start` has been accepted. */
  get started(): boolean {
    return this.#started;
  }

  /** True while the socket can still send. */
  get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  /** Handles a message that arrived before the socket had its call (held at the gate). */
  receive(data: Buffer): void {
    this.#onMessage(data, false);
  }

  /** Sends one outbound frame, unless the socket is closed or the peer stopped reading. */
  readonly send = (text: string): void => {
    const ws = this.#ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.#maxSendBufferBytes) {
      // Memory must not grow with a reader that stopped reading; what it missed is gone anyway.
      if (this.#stats.outboundDropped++ === 0 && this.#logBudgets.edge.take('slow_reader') !== SUPPRESSED) {
        this.#log.warn({ bufferedBytes: ws.bufferedAmount }, 'media socket is not reading; dropping outbound frames');
      }
      return;
    }
    ws.send(text);
    this.#capture?.outbound(this.#capture.now(), text);
  };

  /** Closes the socket; a refused stream (4401, 1008) is also no longer read. Idempotent. */
  close(code: number, reason: string): void {
    if (code === VIOLATION_CLOSE_CODE || code === UNAUTHORIZED_CLOSE_CODE) return closeRefused(this.#ws, code, reason);
    const state = this.#ws.readyState;
    if (state === this.#ws.OPEN || state === this.#ws.CONNECTING) this.#ws.close(code, reason);
  }

  /** Stops handing on what arrives: the call has released its data plane. */
  release(): void {
    this.#released = true;
  }

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#released) return;
    const arrivedAt = this.#capture?.now() ?? 0;
    const stats = this.#stats;
    stats.messagesIn++;
    const chatter = this.#started ? undefined : this.#conduct.checkBeforeStart(stats.messagesIn);
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

  #onMedia(packet: MediaPacket): void {
    if (!this.#started) throw new ProtocolError(ProtocolErrorCode.MediaBeforeStart, 'media frame before start');
    if (packet.track !== 'inbound') {
      this.#stats.otherTrackFrames++;
      return;
    }
    this.#events.media(packet);
  }

  #onControl(frame: ControlFrame): void {
    const events = this.#events;
    if ('sequenceNumber' in frame && frame.sequenceNumber !== undefined) events.controlSequence(frame.sequenceNumber);
    switch (frame.event) {
      case 'connected':
        if (this.#requiredAuthToken !== undefined) {
          if (frame.authToken === undefined || !secretsEqual(frame.authToken, this.#requiredAuthToken)) {
            this.#refuse(frame.authToken === undefined ? 'connected frame has no stream auth token' : 'connected frame has the wrong stream auth token');
            return;
          }
          this.#requiredAuthToken = undefined;
        }
        events.connected();
        return;
      case 'start':
        if (this.#started) throw new ProtocolError(ProtocolErrorCode.DuplicateStart, 'second start frame on one stream');
        if (this.#requiredAuthToken !== undefined) {
          this.#refuse('start arrived before a stream auth token');
          return;
        }
        this.#started = true;
        events.start(frame.start);
        return;
      case 'dtmf':
        events.dtmf(frame);
        return;
      case 'mark':
        events.mark(frame.name);
        return;
      case 'stop':
        events.stop();
        return;
      case 'error': {
        this.#stats.telnyxErrors++;
        const heldBack = this.#logBudgets.edge.take('telnyx_error', this.#lines);
        if (heldBack !== SUPPRESSED) {
          const detail = frame.detail === undefined ? undefined : clip(frame.detail);
          this.#log.warn({ code: frame.code, title: clip(frame.title), detail, alsoSinceLastLine: heldBack }, 'telnyx reported a stream error');
        }
        events.telnyxError(frame.code);
        return;
      }
      case 'unknown': {
        const heldBack = this.#logBudgets.edge.take('unknown_event', this.#lines);
        if (heldBack !== SUPPRESSED) this.#log.info({ event: clip(frame.name), alsoSinceLastLine: heldBack }, 'ignored unknown event');
        return;
      }
    }
  }

  /** Refuses a stream that did not authenticate: logged here, closed (4401) by the machine before any bot starts. */
  #refuse(detail: string): void {
    if (this.#logBudgets.edge.take('refused:bad_auth_token') !== SUPPRESSED) this.#log.warn({ detail, closeCode: 4401 }, 'refused media stream: missing or wrong stream auth token');
    this.#events.unauthorized();
  }

  #reject(error: unknown): void {
    const stats = this.#stats;
    stats.rejectedFrames++;
    const violation = this.#conduct.noteRejected(error === RATE_LIMITED);
    if (violation !== undefined) this.#violate(violation);
    if (!(error instanceof ProtocolError)) {
      if (this.#logBudgets.edge.take('frame_handling_failed', this.#lines) !== SUPPRESSED) this.#log.error({ err: error }, 'inbound frame handling failed');
      return;
    }
    stats.rejectedByCode.set(error.code, (stats.rejectedByCode.get(error.code) ?? 0) + 1);
    const heldBack = this.#logBudgets.edge.take(error.code, this.#lines);
    if (heldBack !== SUPPRESSED) this.#log.warn({ code: error.code, detail: clip(error.message, 160), alsoSinceLastLine: heldBack }, 'rejected inbound frame');
  }

  /** Judges the stream not a carrier, once: it is closed with 1008 `protocol_violation`. */
  #violate(why: ConductViolation): void {
    if (this.#violated) return;
    this.#violated = true;
    if (this.#logBudgets.edge.take('protocol_violation') !== SUPPRESSED) {
      this.#log.warn({ why, messagesIn: this.#stats.messagesIn, rejectedFrames: this.#stats.rejectedFrames, closeCode: 1008 }, 'closing a stream that keeps sending what no carrier sends');
    }
    this.#events.violated();
  }

  readonly #onClose = (code: number, reason: Buffer): void => {
    void this.#capture?.close(code, reason.toString());
    this.#events.closed(code);
  };

  readonly #onSocketError = (error: Error): void => {
    if (this.#logBudgets.edge.take('socket_error') !== SUPPRESSED) this.#log.warn({ err: error }, 'media socket error');
    // ws has sent its close (1009 for an oversized message); what the peer sends after it is not read.
    if (isPeerProtocolError(error)) cutOff(this.#ws);
  };
}

// Thrown once per dropped message in a flood: made once, as building an Error (and its stack) per
// message would let a flood cost more than the work it is refused.
const RATE_LIMITED = new ProtocolError(ProtocolErrorCode.RateLimited, "inbound message rate over the call's limit");

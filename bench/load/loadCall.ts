/**
 * One simulated Telnyx call of the load generator: opens the media stream, sends `connected` and
 * `start`, then the fixture's prebuilt media frames on the call's impaired schedule (and its key
 * presses after the frames they follow), and `stop` when the run ends; on the way back it times
 * the engine's outbound messages and traces echoed frames. The runner's shared timer calls
 * {@link LoadCall.service} whenever {@link LoadCall.nextDueMs} has passed.
 */
import { deriveSeed, impairScheduleCompact, type CompactSchedule, type ImpairmentProfile } from '../impair/index.js';
import { EchoTracker, PCMU_FRAME_BYTES, type EchoTotals } from './echoMatcher.js';
import type { FixtureFrames } from './fixtureFrames.js';
import type { LoadMetrics } from './loadMetrics.js';
import { OutboundPacing, PacingOutcome, outboundAudioMs, type OutboundFormat } from './outboundPacing.js';
import type { LoadTarget } from './protocol.js';
import { RawWebSocket } from './rawWebSocket.js';

/** Where a call is. */
export const CallState = { Pending: 0, Connecting: 1, Streaming: 2, Stopping: 3, Closed: 4 } as const;
/** One of {@link CallState}'s values. */
export type CallStateValue = (typeof CallState)[keyof typeof CallState];

/** How a call ended. */
export type CallEnd = 'completed' | 'disconnected' | 'closed_early' | 'connect_failed' | 'stop_timeout' | 'not_started';

/** Frames echoed less than this before the call ended are not counted as lost: the echo had no time to come back. */
export const ECHO_GRACE_MS = 1_000;

/** Settings every call of a run shares. */
export interface CallSettings {
  readonly target: LoadTarget;
  readonly url: string;
  readonly profile: ImpairmentProfile;
  readonly seed: number;
  readonly outbound: OutboundFormat;
  readonly echoDelayMs: number;
  /** When every call sends `stop` (performance.now() ms). */
  readonly endAtMs: number;
  readonly metrics: LoadMetrics;
}

const MEDIA_PREFIX = Buffer.from('{"event":"media","media":{"payload":"');
const MEDIA_SUFFIX = Buffer.from('"}}');
const EQUALS = 0x3d;
/** Milliseconds of audio in one PCMU frame of 160 bytes. */
const FRAME_MS = 20;

/** Decoded payload of the outbound message being looked at; calls run one at a time, so one is enough. */
let payloadScratch = Buffer.alloc(16 * 1024);

/** A `mark` the engine sent, waiting for the audio before it to play. */
interface PendingMark {
  readonly name: string;
  readonly atMs: number;
}

/** One simulated call; see the module comment. */
export class LoadCall {
  readonly index: number;
  readonly startAtMs: number;
  state: CallStateValue = CallState.Pending;
  end: CallEnd = 'not_started';
  /** When the runner should call {@link service} next (performance.now() ms). */
  nextDueMs: number;
  openedAtMs = Number.NaN;
  closedAtMs = Number.NaN;
  /** When media stopped: `stop` sent or socket destroyed. */
  mediaEndedAtMs = Number.NaN;
  closeCode = 0;
  readonly pacing = new OutboundPacing();
  readonly #fixture: FixtureFrames;
  readonly #settings: CallSettings;
  readonly #echo: EchoTracker | null;
  #ws: RawWebSocket | null = null;
  #schedule: CompactSchedule | null = null;
  #mediaBaseMs = 0;
  #nextDelivery = 0;
  #disconnectAtMs = Number.POSITIVE_INFINITY;
  /** Key presses sent so far, counting across loops. */
  #pressesSent = 0;
  /** Media frame index after which the next key press goes. */
  #nextPressAfterFrame = Number.POSITIVE_INFINITY;
  #maxSequence = 1;
  #stopSentAtMs = Number.NaN;
  #playoutEndsAtMs = 0;
  readonly #marks: PendingMark[] = [];

  constructor(index: number, startAtMs: number, fixture: FixtureFrames, settings: CallSettings) {
    this.index = index;
    this.startAtMs = startAtMs;
    this.nextDueMs = startAtMs;
    this.#fixture = fixture;
    this.#settings = settings;
    const traceEcho = settings.target === 'callwire' && fixture.echoIndex !== null && settings.outbound.encoding === 'PCMU' && settings.outbound.sampleRate === 8000;
    this.#echo = traceEcho && fixture.echoIndex !== null ? new EchoTracker(fixture.echoIndex, settings.echoDelayMs) : null;
  }

  /** Does whatever is due at `nowMs`: open the socket, send frames, echo marks, cut the socket. */
  service(nowMs: number): void {
    if (this.state === CallState.Pending) {
      this.#connect();
      return;
    }
    if (this.state !== CallState.Streaming) {
      this.nextDueMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (nowMs >= this.#disconnectAtMs) {
      this.#cut(nowMs);
      return;
    }
    this.#sendDueMedia(nowMs);
    this.#echoPlayedMarks(nowMs);
    this.#updateNextDue();
  }

  /** Sends `stop` (the run is over); a call not streaming yet is abandoned. */
  stop(nowMs: number): void {
    if (this.state === CallState.Streaming) {
      this.#sendDueMedia(nowMs);
      const ws = this.#ws as RawWebSocket;
      ws.sendText(this.#fixture.stop(this.#maxSequence + 1));
      // The engine closes the stream after `stop`; the bare echo baseline never does, so Telnyx's side closes it.
      if (this.#settings.target === 'baseline') ws.close(1000);
      this.#stopSentAtMs = nowMs;
      this.mediaEndedAtMs = nowMs;
      this.state = CallState.Stopping;
      this.nextDueMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.state === CallState.Pending || this.state === CallState.Connecting) {
      this.#ws?.destroy();
      this.state = CallState.Closed;
      this.end = 'not_started';
      this.nextDueMs = Number.POSITIVE_INFINITY;
    }
  }

  /** Destroys a socket the server did not close after `stop`. */
  forceClose(nowMs: number): void {
    if (this.state === CallState.Closed) return;
    this.end = this.state === CallState.Stopping ? 'stop_timeout' : this.end;
    this.#ws?.destroy();
    this.state = CallState.Closed;
    this.closedAtMs = nowMs;
  }

  /** Echo totals, or null when this call's echo is not traced (non-PCMU fixture, baseline). */
  echoTotals(): EchoTotals | null {
    if (this.#echo === null || Number.isNaN(this.openedAtMs)) return null;
    const endedAt = Number.isNaN(this.mediaEndedAtMs) ? this.closedAtMs : this.mediaEndedAtMs;
    return this.#echo.totals(endedAt, ECHO_GRACE_MS);
  }

  #connect(): void {
    this.state = CallState.Connecting;
    this.nextDueMs = Number.POSITIVE_INFINITY;
    this.#ws = RawWebSocket.connect(this.#settings.url, {
      onOpen: () => this.#onOpen(),
      onText: (data, start, end) => this.#onText(data, start, end),
      onClose: (code) => this.#onClose(code),
    });
  }

  #onOpen(): void {
    const now = performance.now();
    const ws = this.#ws as RawWebSocket;
    this.openedAtMs = now;
    if (this.state !== CallState.Connecting) {
      ws.destroy();
      return;
    }
    ws.write(this.#fixture.connected);
    ws.write(this.#fixture.start);
    const frames = this.#fixture.framesFor(this.#settings.endAtMs - now);
    const schedule = impairScheduleCompact(frames, this.#settings.profile, deriveSeed(this.#settings.seed, this.index));
    this.#schedule = schedule;
    this.#mediaBaseMs = now + this.#fixture.firstMediaOffsetMs;
    if (schedule.disconnectAtMs !== undefined) this.#disconnectAtMs = this.#mediaBaseMs + schedule.disconnectAtMs;
    this.#nextPressAfterFrame = this.#pressFrame(0);
    this.state = CallState.Streaming;
    this.#updateNextDue();
  }

  /** Media frame index (across loops) that key press number `press` (across loops) follows. */
  #pressFrame(press: number): number {
    const perLoop = this.#fixture.dtmfCount;
    if (perLoop === 0) return Number.POSITIVE_INFINITY;
    const loop = Math.floor(press / perLoop);
    return loop * this.#fixture.mediaCount + Math.max(0, this.#fixture.dtmfAfterMedia(press % perLoop));
  }

  #sendDueMedia(nowMs: number): void {
    const schedule = this.#schedule as CompactSchedule;
    const ws = this.#ws as RawWebSocket;
    const fixture = this.#fixture;
    const metrics = this.#settings.metrics;
    let sent = 0;
    let delivery = this.#nextDelivery;
    while (delivery < schedule.count) {
      const dueMs = this.#mediaBaseMs + (schedule.atMs[delivery] ?? 0);
      if (dueMs > nowMs) break;
      // A burst (after a stall): hold the writes back and let them go as one.
      if (sent === 1) ws.cork();
      const frame = schedule.frameIndex[delivery] ?? 0;
      ws.write(fixture.media(frame));
      metrics.frameSent(dueMs, nowMs);
      this.#echo?.onSent(frame, nowMs);
      const sequence = fixture.mediaSequence(frame);
      if (sequence > this.#maxSequence) this.#maxSequence = sequence;
      while (frame >= this.#nextPressAfterFrame) this.#sendPress();
      sent++;
      delivery++;
    }
    this.#nextDelivery = delivery;
    if (sent > 1) ws.uncork();
  }

  #sendPress(): void {
    const perLoop = this.#fixture.dtmfCount;
    const loop = Math.floor(this.#pressesSent / perLoop);
    const press = this.#pressesSent % perLoop;
    (this.#ws as RawWebSocket).write(this.#fixture.dtmf(loop, press));
    const sequence = this.#fixture.dtmfSequence(loop, press);
    if (sequence > this.#maxSequence) this.#maxSequence = sequence;
    this.#settings.metrics.dtmfSent++;
    this.#pressesSent++;
    this.#nextPressAfterFrame = this.#pressFrame(this.#pressesSent);
  }

  #echoPlayedMarks(nowMs: number): void {
    while (this.#marks.length > 0 && (this.#marks[0] as PendingMark).atMs <= nowMs) {
      this.#sendMarkEcho((this.#marks.shift() as PendingMark).name);
    }
  }

  #sendMarkEcho(name: string): void {
    // Telnyx echoes a mark once the audio queued before it has played.
    const text = JSON.stringify({ event: 'mark', stream_id: this.#fixture.streamId, mark: { name } });
    this.#ws?.sendText(text);
  }

  #updateNextDue(): void {
    const schedule = this.#schedule as CompactSchedule;
    let next = this.#disconnectAtMs;
    if (this.#nextDelivery < schedule.count) {
      const due = this.#mediaBaseMs + (schedule.atMs[this.#nextDelivery] ?? 0);
      if (due < next) next = due;
    }
    const mark = this.#marks[0];
    if (mark !== undefined && mark.atMs < next) next = mark.atMs;
    this.nextDueMs = next;
  }

  #cut(nowMs: number): void {
    // An abrupt disconnect: the TCP connection goes away without a close frame.
    this.#ws?.destroy();
    this.state = CallState.Closed;
    this.end = 'disconnected';
    this.mediaEndedAtMs = nowMs;
    this.closedAtMs = nowMs;
    this.nextDueMs = Number.POSITIVE_INFINITY;
  }

  #onClose(code: number): void {
    if (this.state === CallState.Closed) return;
    const now = performance.now();
    this.closeCode = code;
    this.closedAtMs = now;
    if (this.state === CallState.Stopping) this.end = 'completed';
    else if (this.state === CallState.Streaming) {
      this.end = 'closed_early';
      this.mediaEndedAtMs = now;
    } else this.end = 'connect_failed';
    this.state = CallState.Closed;
    this.nextDueMs = Number.POSITIVE_INFINITY;
  }

  /** A text message from the server, `data[start, end)`. */
  #onText(data: Buffer, start: number, end: number): void {
    const metrics = this.#settings.metrics;
    metrics.messagesReceived++;
    if (this.#settings.target !== 'callwire') return;
    const now = performance.now();
    const prefix = MEDIA_PREFIX.length;
    const suffix = MEDIA_SUFFIX.length;
    if (end - start > prefix + suffix && data.compare(MEDIA_PREFIX, 0, prefix, start, start + prefix) === 0 && data.compare(MEDIA_SUFFIX, 0, suffix, end - suffix, end) === 0) {
      this.#onMedia(data, start + prefix, end - suffix, now);
      return;
    }
    this.#onOtherFrame(data.subarray(start, end), now);
  }

  /** An outbound `media` message whose base64 payload is `data[start, end)`. */
  #onMedia(data: Buffer, start: number, end: number, nowMs: number): void {
    const metrics = this.#settings.metrics;
    metrics.mediaReceived++;
    let padding = 0;
    if (end > start && data[end - 1] === EQUALS) padding++;
    if (end - 1 > start && data[end - 2] === EQUALS) padding++;
    const payloadBytes = ((end - start) / 4) * 3 - padding;
    const audioMs = outboundAudioMs(this.#settings.outbound, payloadBytes);
    const trusted = metrics.arrivalTrusted(nowMs);
    const outcome = this.pacing.onMessage(nowMs, audioMs, trusted);
    if (outcome === PacingOutcome.OnTime || outcome === PacingOutcome.Underrun) metrics.pacingError(this.pacing.lastErrorMs, outcome === PacingOutcome.Underrun);
    else if (outcome === PacingOutcome.Unscored) metrics.unscored();
    // The message plays once what Telnyx holds has played: the caller hears the echo then, not on arrival
    // (the engine sends ahead of real time, so arrival alone would read earlier than what is heard).
    const playsAtMs = this.#playoutEndsAtMs > nowMs ? this.#playoutEndsAtMs : nowMs;
    this.#playoutEndsAtMs = playsAtMs + audioMs;
    const echo = this.#echo;
    if (echo === null) return;
    if (payloadScratch.length < payloadBytes) payloadScratch = Buffer.alloc(payloadBytes * 2);
    const decoded = payloadScratch.write(data.toString('latin1', start, end), 0, 'base64');
    for (let offset = 0; offset + PCMU_FRAME_BYTES <= decoded; offset += PCMU_FRAME_BYTES) {
      const latency = echo.onEchoed(payloadScratch, offset, playsAtMs + (offset / PCMU_FRAME_BYTES) * FRAME_MS);
      // A frame read late is still traced (not lost), but its latency is not known.
      if (latency === latency && trusted) metrics.echoLatency(latency);
    }
  }

  /** Anything but the engine's usual `media` text: parsed, since it is rare. */
  #onOtherFrame(data: Buffer, nowMs: number): void {
    let frame: { event?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      frame = JSON.parse(data.toString('utf8')) as typeof frame;
    } catch {
      return;
    }
    switch (frame.event) {
      case 'media': {
        const text = Buffer.from(`${MEDIA_PREFIX.toString()}${String(frame.media?.payload ?? '')}${MEDIA_SUFFIX.toString()}`);
        this.#onMedia(text, MEDIA_PREFIX.length, text.length - MEDIA_SUFFIX.length, nowMs);
        return;
      }
      case 'mark':
        this.#marks.push({ name: String(frame.mark?.name ?? ''), atMs: this.#playoutEndsAtMs > nowMs ? this.#playoutEndsAtMs : nowMs });
        this.#updateNextDueIfStreaming();
        return;
      case 'clear':
        this.#playoutEndsAtMs = nowMs;
        while (this.#marks.length > 0) this.#sendMarkEcho((this.#marks.shift() as PendingMark).name);
        return;
      default:
        return;
    }
  }

  #updateNextDueIfStreaming(): void {
    if (this.state === CallState.Streaming) this.#updateNextDue();
  }
}

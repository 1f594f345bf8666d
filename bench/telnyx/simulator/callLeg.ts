import { randomBytes, randomUUID } from 'node:crypto';
import { TelnyxMediaClient } from '../mediaClient.js';
import { inboundFormat, outboundTiming, type StreamRequest } from './streamRequest.js';
import type { LegDirection, LegState, SimulatedLeg } from './types.js';
import type { WebhookEvent } from './webhookDelivery.js';

/** What a leg needs from the simulator that owns it. */
export interface LegHost {
  readonly webhookDelayMs: number;
  /** Delivers `event` for `leg` (retrying); a redelivery continues the attempt count. Never rejects. */
  deliver(leg: CallLeg, event: WebhookEvent, redelivery: boolean): Promise<void>;
  /** Notes something that went wrong outside any request, for tests to inspect. */
  report(problem: string): void;
  /** Base URL for fake recording links. */
  readonly baseUrl: string;
  /** True once the simulator is closing: queued tasks are dropped. */
  isClosed(): boolean;
}

/** The leg's one live media stream. */
interface OpenStream {
  readonly client: TelnyxMediaClient;
  readonly request: StreamRequest;
  /** Set once the simulator decided to end it, so the socket's close is not taken as the engine's. */
  endedBySimulator: boolean;
}

/** A recording between record_start and record_stop (or hangup). */
interface ActiveRecording {
  readonly recordingId: string;
  readonly format: string;
  readonly channels: string;
  readonly startedAt: string;
}

/** Details a leg is created with. */
export interface LegDetails {
  readonly direction: LegDirection;
  readonly from: string;
  readonly to: string;
  readonly connectionId: string;
  readonly clientState: string | undefined;
  readonly webhookUrl: string | undefined;
}

/** Who ended a call, in Telnyx's `hangup_source` vocabulary. */
export type HangupSource = 'caller' | 'callee' | 'unknown';

/**
 * One simulated call leg: its state, its media stream and its webhooks. Side effects run on one
 * promise chain per leg, so this leg's webhooks reach the engine in the order Telnyx sends them.
 */
export class CallLeg implements SimulatedLeg {
  readonly callControlId = `v3:${randomBytes(18).toString('base64url')}`;
  readonly callSessionId = randomUUID();
  readonly callLegId = randomUUID();
  readonly startTime = new Date().toISOString();
  readonly details: LegDetails;
  state: LegState;
  /** Latest `client_state` a command gave; Telnyx echoes it in later webhooks. */
  clientState: string | undefined;
  /** `webhook_url` a command set for this call; overrides the simulator's. */
  webhookUrl: string | undefined;
  /** `command_id`s already acted on; Telnyx ignores repeats per call. */
  readonly commandIds = new Set<string>();
  /** Last event of each type sent for this leg, for redelivery. */
  readonly sentEvents = new Map<string, WebhookEvent>();
  readonly #host: LegHost;
  #stream: OpenStream | undefined;
  #lastClient: TelnyxMediaClient | undefined;
  #recording: ActiveRecording | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(host: LegHost, details: LegDetails) {
    this.#host = host;
    this.details = details;
    this.state = details.direction === 'incoming' ? 'parked' : 'bridging';
    this.clientState = details.clientState;
    this.webhookUrl = details.webhookUrl;
  }

  /** The latest media stream (kept after it closes, for assertions). */
  get media(): TelnyxMediaClient | undefined {
    return this.#lastClient;
  }

  /** True while a recording runs. */
  get recording(): boolean {
    return this.#recording !== undefined;
  }

  /** Runs `task` after every earlier task of this leg; resolves when it is done. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(() => (this.#host.isClosed() ? undefined : task())).catch((error: unknown) => this.#host.report(`${this.callControlId}: ${String(error)}`));
    this.#chain = next;
    return next;
  }

  /** Like {@link enqueue}, after the simulator's command-to-webhook delay. */
  enqueueDelayed(task: () => Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, this.#host.webhookDelayMs));
      await task();
    });
  }

  /** Sends webhook `eventType` with this leg's common payload plus `extras`. */
  async emit(eventType: string, extras: Record<string, unknown> = {}): Promise<void> {
    const event: WebhookEvent = {
      record_type: 'event',
      event_type: eventType,
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      payload: { ...this.#commonPayload(), ...extras },
    };
    this.sentEvents.set(eventType, event);
    await this.#host.deliver(this, event, false);
  }

  /** Starts a stream as Telnyx does: `streaming.started`, then the socket, `connected` and `start`. */
  async openStream(request: StreamRequest): Promise<void> {
    if (this.#stream !== undefined) await this.closeStream();
    if (this.state === 'hangup') return;
    const streamId = randomUUID();
    await this.emit('streaming.started', { stream_url: request.url });
    const format = inboundFormat(request);
    let client: TelnyxMediaClient;
    try {
      client = await TelnyxMediaClient.connect(request.url, {
        call: {
          streamId,
          callControlId: this.callControlId,
          callSessionId: this.callSessionId,
          from: this.details.from,
          to: this.details.to,
          encoding: format.encoding,
          sampleRate: format.sampleRate,
          customParameters: request.customParameters,
          clientState: request.clientState,
          tags: [],
        },
        headers: request.authToken === undefined ? {} : { 'x-telnyx-streaming-auth-token': request.authToken },
        handshakeTimeoutMs: 5_000,
        ...outboundTiming(request),
        ...(request.bidirectionalMode === 'rtp' ? {} : { observer: { received: (data: Buffer) => flagMediaWithoutRtp(data, () => client) } }),
      });
    } catch (error) {
      this.#host.report(`${this.callControlId}: stream to ${request.url} failed: ${String(error)}`);
      await this.emit('streaming.failed', {
        failure_reason: 'connection_failed',
        stream_id: streamId,
        stream_params: { stream_url: request.url, track: request.track },
        stream_type: 'websocket',
      });
      return;
    }
    const stream: OpenStream = { client, request, endedBySimulator: false };
    this.#stream = stream;
    this.#lastClient = client;
    client.begin(request.authToken);
    void client.closed.then(() => this.#onSocketClosed(stream));
  }

  /** Ends the stream as Telnyx does: `stop`, close, then `streaming.stopped`. */
  async closeStream(): Promise<void> {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    stream.endedBySimulator = true;
    if (stream.client.open) stream.client.sendStop();
    await stream.client.close();
    await this.emit('streaming.stopped', { stream_url: stream.request.url });
  }

  /** The id of the live stream, if any. */
  get streamId(): string | undefined {
    return this.#stream?.client.call.streamId;
  }

  /** Begins a recording (record_start or `record: record-from-answer`). */
  startRecording(format: string, channels: string): string {
    const recordingId = randomUUID();
    this.#recording = { recordingId, format, channels, startedAt: new Date().toISOString() };
    return recordingId;
  }

  /** Ends the recording and sends `call.recording.saved` with (fake) links. */
  async saveRecording(): Promise<void> {
    const recording = this.#recording;
    if (recording === undefined) return;
    this.#recording = undefined;
    const url = `${this.#host.baseUrl}/_sim/recordings/${recording.recordingId}.${recording.format}`;
    await this.emit('call.recording.saved', {
      recording_id: recording.recordingId,
      channels: recording.channels,
      format: recording.format,
      recording_started_at: recording.startedAt,
      recording_ended_at: new Date().toISOString(),
      recording_urls: { [recording.format]: url },
      public_recording_urls: { [recording.format]: url },
    });
  }

  /** Tears the call down after `state` became 'hangup': stream, `call.hangup`, then any recording. */
  async finishHangup(source: HangupSource, cause = 'normal_clearing'): Promise<void> {
    await this.closeStream();
    await this.emit('call.hangup', {
      hangup_cause: cause,
      hangup_source: source,
      sip_hangup_cause: '200',
      start_time: this.startTime,
      end_time: new Date().toISOString(),
    });
    await this.saveRecording();
  }

  /** The party on the phone hangs up (the caller of an inbound call, the callee of a dialled one). */
  hangup(): Promise<void> {
    if (this.state === 'hangup') return this.enqueue(async () => {});
    this.state = 'hangup';
    return this.enqueue(() => this.finishHangup(this.details.direction === 'incoming' ? 'caller' : 'callee'));
  }

  /** Resolves when the media stream exists and has sent connected+start. */
  async streamOpened(timeoutMs = 5_000): Promise<TelnyxMediaClient> {
    const deadline = performance.now() + timeoutMs;
    while (this.#lastClient === undefined) {
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the media stream of ${this.callControlId}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.#lastClient;
  }

  /** Sends the last `eventType` webhook of this leg again, same `data.id`. */
  redeliver(eventType: string): Promise<void> {
    const event = this.sentEvents.get(eventType);
    if (event === undefined) return Promise.reject(new Error(`no ${eventType} webhook was sent for ${this.callControlId}`));
    return this.enqueue(() => this.#host.deliver(this, event, true));
  }

  /** Drops the socket without ceremony (the simulator is closing). */
  terminate(): void {
    if (this.#stream === undefined) return;
    this.#stream.endedBySimulator = true;
    this.#stream.client.terminate();
    this.#stream = undefined;
  }

  #commonPayload(): Record<string, unknown> {
    return {
      call_control_id: this.callControlId,
      call_leg_id: this.callLegId,
      call_session_id: this.callSessionId,
      connection_id: this.details.connectionId,
      client_state: this.clientState ?? null,
      from: this.details.from,
      to: this.details.to,
      direction: this.details.direction,
      state: this.state,
    };
  }

  /** The engine closed the socket: Telnyx reports the stream as stopped. */
  #onSocketClosed(stream: OpenStream): void {
    if (stream.endedBySimulator) return;
    if (this.#stream === stream) this.#stream = undefined;
    void this.enqueue(() => this.emit('streaming.stopped', { stream_url: stream.request.url }));
  }
}

const MEDIA_WITHOUT_RTP =
  'raw audio sent on a stream whose stream_bidirectional_mode is not rtp: Telnyx expects MP3 there, so the caller would hear nothing';

/** Raw audio on a non-rtp stream is the classic one-way-audio mistake (reference §1.3): flag it once per stream. */
function flagMediaWithoutRtp(data: Buffer, client: () => TelnyxMediaClient | undefined): void {
  const violations = client()?.violations;
  if (violations === undefined || violations.includes(MEDIA_WITHOUT_RTP) || !data.includes('"media"')) return;
  let payload: unknown;
  try {
    payload = (JSON.parse(data.toString('utf8')) as { event?: unknown; media?: { payload?: unknown } }).media?.payload;
  } catch {
    return;
  }
  if (typeof payload === 'string' && !looksLikeMp3(Buffer.from(payload.slice(0, 8), 'base64'))) violations.push(MEDIA_WITHOUT_RTP);
}

/** An ID3 tag or a valid MPEG audio frame header (sync, version, layer, bitrate and rate not reserved). */
export function looksLikeMp3(head: Buffer): boolean {
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'ID3') return true;
  if (head.length < 3) return false;
  const [b0, b1, b2] = [head[0]!, head[1]!, head[2]!];
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && ((b1 >> 3) & 3) !== 1 && ((b1 >> 1) & 3) !== 0 && b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3;
}

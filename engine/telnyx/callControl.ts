import { randomUUID } from 'node:crypto';
import { Telnyx } from 'telnyx';
import { CallControlError, CallControlErrorCode } from './callControlError.js';
import { toCallControlError } from './sdkErrors.js';

/** Codecs Telnyx can send back on a bidirectional RTP stream (`stream_bidirectional_codec`). */
export type BidirectionalCodec = 'PCMU' | 'PCMA' | 'G722' | 'OPUS' | 'AMR-WB' | 'L16';

/** Rates Telnyx accepts for `stream_bidirectional_sampling_rate`. */
export type BidirectionalSamplingRate = 8000 | 16000 | 22050 | 24000 | 48000;

/** Where and how Telnyx streams a call's media to callwire (always bidirectional RTP). */
export interface StreamRequest {
  /** `wss://…/ws/telnyx?serviceHost=AGENT.ORG`. */
  readonly url: string;
  readonly codec: BidirectionalCodec;
  readonly samplingRate: BidirectionalSamplingRate;
  /** `stream_codec`, what Telnyx sends us; undefined: the call's codec. */
  readonly inboundCodec?: 'PCMU' | undefined;
  /** Sent by Telnyx as `x-telnyx-streaming-auth-token` (dial and streaming_start only). */
  readonly authToken?: string | undefined;
  /** Delivered in `start.custom_parameters` (streaming_start only). */
  readonly customParameters?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link CallControl}. */
export interface CallControlOptions {
  readonly apiKey: string;
  /** Telnyx API base URL (default `https://api.telnyx.com/v2`); tests point it at the simulator. */
  readonly baseUrl?: string | undefined;
  /** Per-request timeout, in milliseconds (default 10000; the SDK's own is 60 s). */
  readonly timeoutMs?: number | undefined;
  /** Retries the SDK makes on 408/409/429/5xx and connection errors (default 2). */
  readonly maxRetries?: number | undefined;
  /** A fetch implementation, for tests. */
  readonly fetch?: typeof fetch | undefined;
}

/** Recording settings for `record_start`. */
export interface RecordingRequest {
  readonly format: 'wav' | 'mp3';
  readonly channels: 'single' | 'dual';
  readonly playBeep?: boolean | undefined;
  /** Seconds, up to 14400. */
  readonly maxLengthSecs?: number | undefined;
  readonly track?: 'both' | 'inbound' | 'outbound' | undefined;
}

/** A call placed with {@link CallControl.dial}. */
export interface DialedCall {
  readonly callControlId: string;
  readonly callLegId: string | undefined;
  readonly callSessionId: string | undefined;
}

/** What {@link CallControl.dial} needs. */
export interface DialRequest {
  readonly connectionId: string;
  readonly to: string;
  readonly from: string;
  readonly stream: StreamRequest;
  readonly clientState?: string | undefined;
  /** Where Telnyx sends this call's webhooks, instead of the connection's webhook URL. */
  readonly webhookUrl?: string | undefined;
}

/**
 * Telnyx Call Control for the whole process, through the official SDK. Every command carries a fresh
 * `command_id`, which the SDK's automatic retries reuse, so Telnyx acts on a retried command once.
 * Every failure is a {@link CallControlError}.
 *
 * @example
 * ```ts
 * const control = new CallControl({ apiKey: process.env.TELNYX_API_KEY! });
 * await control.transfer(callControlId, { to: '+13125550123' });
 * ```
 */
export class CallControl {
  readonly #client: Telnyx;

  constructor(options: CallControlOptions) {
    this.#client = new Telnyx({
      apiKey: options.apiKey,
      // undefined would let the SDK read TELNYX_BASE_URL itself; configuration has already done that.
      baseURL: options.baseUrl ?? 'https://api.telnyx.com/v2',
      timeout: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 2,
      logLevel: 'off',
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  /** Answers an incoming call, streaming it to `stream` when given (answer takes no token, rate or parameters). */
  answer(callControlId: string, stream: Omit<StreamRequest, 'authToken' | 'customParameters' | 'samplingRate'> | undefined, clientState?: string): Promise<void> {
    return this.#run('answer', (command_id) =>
      this.#client.calls.actions.answer(callControlId, {
        command_id,
        ...optional('client_state', clientState),
        ...(stream === undefined
          ? {}
          : {
              stream_url: stream.url,
              stream_track: 'inbound_track',
              stream_bidirectional_mode: 'rtp',
              stream_bidirectional_codec: stream.codec,
              ...optional('stream_codec', stream.inboundCodec),
            }),
      }),
    );
  }

  /** Starts streaming an answered call (the only command for inbound calls that takes a token and custom parameters). */
  startStreaming(callControlId: string, stream: StreamRequest, clientState?: string): Promise<void> {
    return this.#run('streaming_start', (command_id) =>
      this.#client.calls.actions.startStreaming(callControlId, {
        command_id,
        ...streamFields(stream),
        ...optional('stream_auth_token', stream.authToken),
        ...(stream.customParameters === undefined ? {} : { custom_parameters: parameterList(stream.customParameters) }),
        ...optional('client_state', clientState),
      }),
    );
  }

  /** Stops one stream of the call (all of them when `streamId` is undefined). */
  stopStreaming(callControlId: string, streamId?: string): Promise<void> {
    return this.#run('streaming_stop', (command_id) => this.#client.calls.actions.stopStreaming(callControlId, { command_id, ...optional('stream_id', streamId) }));
  }

  /** Hangs the call up; a call that has already ended (90018) counts as hung up, and says so. */
  async hangup(callControlId: string): Promise<'hung_up' | 'already_ended'> {
    try {
      await this.#run('hangup', (command_id) => this.#client.calls.actions.hangup(callControlId, { command_id }));
      return 'hung_up';
    } catch (error) {
      if (error instanceof CallControlError && error.code === CallControlErrorCode.CallEnded) return 'already_ended';
      throw error;
    }
  }

  /** Transfers the call to `to` (a number or SIP URI); Telnyx then stops the media stream. */
  transfer(callControlId: string, target: { readonly to: string; readonly from?: string | undefined }): Promise<void> {
    return this.#run('transfer', (command_id) => this.#client.calls.actions.transfer(callControlId, { command_id, to: target.to, ...optional('from', target.from) }));
  }

  /** Starts recording; Telnyx sends `call.recording.saved` once it stops. */
  startRecording(callControlId: string, recording: RecordingRequest): Promise<void> {
    return this.#run('record_start', (command_id) =>
      this.#client.calls.actions.startRecording(callControlId, {
        command_id,
        format: recording.format,
        channels: recording.channels,
        ...optional('play_beep', recording.playBeep),
        ...optional('max_length', recording.maxLengthSecs),
        ...optional('recording_track', recording.track),
      }),
    );
  }

  /** Stops the call's recording. */
  stopRecording(callControlId: string): Promise<void> {
    return this.#run('record_stop', (command_id) => this.#client.calls.actions.stopRecording(callControlId, { command_id }));
  }

  /** Sends DTMF digits (`0-9 A-D * #`, `w` = 0.5 s pause, `W` = 1 s) into the call. */
  sendDtmf(callControlId: string, digits: string, durationMs?: number): Promise<void> {
    return this.#run('send_dtmf', (command_id) =>
      this.#client.calls.actions.sendDtmf(callControlId, { command_id, digits, ...optional('duration_millis', durationMs) }),
    );
  }

  /** Places an outbound call that streams to `request.stream` once answered. */
  async dial(request: DialRequest): Promise<DialedCall> {
    const commandId = randomUUID();
    let data;
    try {
      const response = await this.#client.calls.dial({
        command_id: commandId,
        connection_id: request.connectionId,
        to: request.to,
        from: request.from,
        ...streamFields(request.stream),
        ...optional('stream_auth_token', request.stream.authToken),
        ...optional('client_state', request.clientState),
        ...optional('webhook_url', request.webhookUrl),
      });
      data = response.data;
    } catch (error) {
      throw toCallControlError('dial', error);
    }
    if (data?.call_control_id === undefined) {
      throw new CallControlError(CallControlErrorCode.ServerError, 'dial: Telnyx answered without a call_control_id', { command: 'dial' });
    }
    return { callControlId: data.call_control_id, callLegId: data.call_leg_id, callSessionId: data.call_session_id };
  }

  async #run(command: string, send: (commandId: string) => PromiseLike<unknown>): Promise<void> {
    try {
      await send(randomUUID());
    } catch (error) {
      throw toCallControlError(command, error);
    }
  }
}

/** The stream fields `dial` and `streaming_start` share. */
function streamFields(stream: StreamRequest) {
  return {
    stream_url: stream.url,
    stream_track: 'inbound_track',
    stream_bidirectional_mode: 'rtp',
    stream_bidirectional_codec: stream.codec,
    stream_bidirectional_sampling_rate: stream.samplingRate,
    ...optional('stream_codec', stream.inboundCodec),
  } as const;
}

/** `[{name, value}]`, the form `streaming_start` takes custom parameters in. */
function parameterList(parameters: Readonly<Record<string, string>>): { name: string; value: string }[] {
  return Object.entries(parameters).map(([name, value]) => ({ name, value }));
}

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

import type { TelnyxMediaClient } from '../mediaClient.js';

/** Options of `TelnyxSimulator.start`. */
export interface SimulatorOptions {
  /** Where Call Control webhooks go (the engine's POST /webhooks/telnyx). May be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Milliseconds between a command and the webhooks it causes (default 5). */
  webhookDelayMs?: number;
}

/** One Call Control request the simulator accepted (answered 2xx), in arrival order. */
export interface RecordedCommand {
  /** `performance.now()` when the request arrived, comparable with media timestamps. */
  readonly at: number;
  readonly method: string;
  /** The request path, e.g. `/calls/v3:abc/actions/hangup`. */
  readonly path: string;
  /** The leg the command addressed; for `dial`, the leg it created. */
  readonly callControlId: string | undefined;
  /** 'dial' | 'answer' | 'hangup' | 'transfer' | 'streaming_start' | 'streaming_stop' | 'record_start' | 'record_stop' | 'send_dtmf' | ... */
  readonly action: string;
  readonly commandId: string | undefined;
  readonly body: Record<string, unknown>;
  /** A repeat of an earlier `command_id` for the same call: answered ok, and ignored as Telnyx does. */
  readonly duplicate: boolean;
}

/** One delivery attempt of one webhook. */
export interface SentWebhook {
  readonly eventType: string;
  /** `data.id`; the same on every attempt and on a redelivery. */
  readonly id: string;
  readonly callControlId: string;
  /** The receiver's HTTP status, or 'error' when the request failed or timed out. */
  readonly status: number | 'error';
  /** `meta.attempt` of this delivery (1 for the first). */
  readonly attempt: number;
}

/** Where a leg is, in Telnyx's vocabulary (`state` in webhooks). */
export type LegState = 'parked' | 'answered' | 'bridging' | 'transferred' | 'hangup';

/** Who placed the call, seen from Telnyx (`direction` in webhooks). */
export type LegDirection = 'incoming' | 'outgoing';

/** One call leg the simulator holds, as a test sees it. */
export interface SimulatedLeg {
  readonly callControlId: string;
  readonly callSessionId: string;
  readonly callLegId: string;
  readonly state: LegState;
  /** The media stream Telnyx opened to stream_url (after answer-with-stream_url, streaming_start or dial-with-stream_url); undefined before. */
  readonly media: TelnyxMediaClient | undefined;
  /** The caller hangs up: closes the stream (stop frame first) and sends call.hangup (hangup_cause normal_clearing). */
  hangup(): Promise<void>;
  /** Resolves when the media stream exists and has sent connected+start. */
  streamOpened(timeoutMs?: number): Promise<TelnyxMediaClient>;
  /** Sends webhook `eventType` for this leg again with the SAME data.id (a redelivery). */
  redeliver(eventType: string): Promise<void>;
}

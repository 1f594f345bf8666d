import type { UpstreamEncoding } from './upstreamOptions.js';

/** What the bot server is told about its call in the protocol's `start` message. */
export interface UpstreamCallFacts {
  /** Telnyx's `stream_id` of the call's media stream. */
  readonly streamId: string;
  /** Telnyx's real `call_control_id`: the bot may hang up or transfer through Telnyx's API with it. */
  readonly callControlId: string;
  readonly callSessionId: string;
  readonly userId: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly tags: readonly string[];
  readonly clientState: string | undefined;
  /** The stream's custom parameters, dial-out parameters included. */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Codec of the caller audio the bot server receives and of the audio it sends. */
  readonly encoding: UpstreamEncoding;
}

/**
 * Writes the messages callwire sends a bot server, in one carrier's media-stream protocol, for one
 * call. It numbers them itself: every message's sequence number and every media chunk's number and
 * timestamp are monotone and gap-free, whatever arrived from the carrier.
 */
export interface UpstreamMessageWriter {
  /** The first message, sent as soon as the connection opens. */
  connected(): string;
  /** Describes the call; sent when its media starts. */
  start(call: UpstreamCallFacts): string;
  /** One 20 ms frame of caller audio, `payload[0, length)` in the call's upstream codec. */
  media(payload: Buffer, length: number): string;
  /** A key the caller pressed; `occurredAt` is an ISO time. */
  dtmf(digit: string, occurredAt: string): string;
  /** The caller heard everything the bot sent before its mark `name` (or a `clear` cut it). */
  mark(name: string): string;
  /** The last message: the call's stream ended. */
  stop(): string;
}

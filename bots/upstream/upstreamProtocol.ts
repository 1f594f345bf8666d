import type { StreamStart } from '../../engine/telnyx/frames.js';
import type { UpstreamEncoding } from './upstreamOptions.js';

/**
 * What the bot server is told about its call in the protocol's `start` message: the call's own
 * `start` from Telnyx (its real `call_control_id`, so the bot may use Telnyx's API with it), with the
 * codec of the audio exchanged with the bot in place of Telnyx's media format.
 */
export interface UpstreamCallFacts extends Omit<StreamStart, 'mediaFormat'> {
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

import type { Observable } from 'rxjs';
import type { AudioFrame, BotOutput, EndReason } from '../bots/api.js';

/**
 * What a call machine may touch of the engine's per-call data plane. The machine sees control
 * events only; audio stays behind this port.
 */
export interface CallPort {
  /** Caller audio for the bot. */
  readonly audio: Observable<AudioFrame>;
  /** The bot's outbound audio queue. */
  readonly output: BotOutput;
  /** Clock time of the last inbound media frame (or of `start`, before any media). */
  lastMediaAt(): number;
  /** True when every queued outbound sample and mark has been sent. */
  outboundDrained(): boolean;
  /** Set by the machine as it ends, before the bot is stopped, so the bot learns why. */
  endReason: EndReason | undefined;
  /** Closes the media socket; idempotent. */
  close(code: number, reason: string): void;
  /** Releases buffers, subscriptions and the pacer slot; idempotent. */
  release(): void;
}

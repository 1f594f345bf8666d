import type { Observable } from 'rxjs';
import type { AudioFrame, BotOutput, CallControls, EndReason, LiveTurn } from '../bots/api.js';
import type { PreparedCall } from '../bots/callPreparation.js';

/** Call Control on one call: what bots may ask directly, plus what the call machine itself drives. */
export interface CallCommands extends CallControls {
  /** Transfers the caller; Telnyx then stops the stream. Rejects with a `CallControlError`. */
  transfer(to: string, from?: string): Promise<void>;
}

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
  /** Call Control on this call; absent (as in tests) counts as unavailable. */
  readonly callControl?: CallCommands | undefined;
  /**
   * Starts the engine's own stereo WAV recording of the call from now on (caller left, bot right),
   * if it is not already recording; returns the file's path. Absent (as in tests): not supported.
   */
  recordLocally?(): string;
  /** Adds a field to the call's last log line (absent, as in tests: ignored). */
  annotate?(key: string, value: unknown): void;
  /** The bot's finished conversation, for the app's `transcript.ready` event (absent, as in tests: ignored). */
  reportTranscript?(transcript: Readonly<Record<string, unknown>>): void;
  /** One conversation turn as it happens, for the browser softphone (absent, as in tests: ignored). */
  reportTurn?(turn: LiveTurn): void;
  /** What the agent's bot prepared for this call before `start`, handed over once (absent: nothing). */
  takePrepared?(): PreparedCall | undefined;
  /** Set by the machine as it ends, before the bot is stopped, so the bot learns why. */
  endReason: EndReason | undefined;
  /** Closes the media socket; idempotent. */
  close(code: number, reason: string): void;
  /** Releases buffers, subscriptions and the pacer slot; idempotent. */
  release(): void;
}

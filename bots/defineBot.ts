import type { Clock } from '../engine/clock.js';
import type { Logger } from '../engine/logger.js';
import { hostBot } from '../actors/botHost.logic.js';
import { withOptionsCheck } from './botOptions.js';
import { withCallPreparation, type CallPreview, type PreparedCall } from './callPreparation.js';
import { withSampleRate, type BotSampleRate, type BotSampleRateRule } from './botSampleRate.js';
import type { AudioFrame, BotLogic, HangupReason, BotOutput, CallInfo, DtmfOptions, EndReason, LiveTurn, RecordingOptions, RecordingSaved } from './api.js';

/** Options of {@link BotContext.transfer}. */
export interface TransferOptions {
  /** Caller id shown to the transfer target (Call Control only); Telnyx's default when omitted. */
  readonly from?: string;
}

/** Options of {@link BotContext.hangup}. */
export interface HangupOptions {
  /** The call's end reason: `bot_hangup` (default), `ai_unavailable` when an AI provider failed, `ai_session_limit` when its session ran out, `upstream_unavailable` when a bot server failed. */
  readonly reason?: HangupReason;
}

/** Recording of the bot's call through Telnyx Call Control. */
export interface BotRecording {
  /** Starts recording (mp3, both sides mixed, unless `options` say otherwise); the bot's `recording` handler gets the links. */
  start(options?: RecordingOptions): Promise<void>;
  /** Stops recording; Telnyx then saves it. */
  stop(): Promise<void>;
}

/** What a bot defined with {@link defineBot} can use while its call runs. */
export interface BotContext<Options> {
  readonly call: CallInfo;
  readonly output: BotOutput;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: Options;
  /**
   * Ends the call (reason `bot_hangup`) once queued audio has been sent. With Call Control the engine
   * then hangs up at Telnyx; without, closing the stream ends a TeXML `<Connect>`.
   */
  hangup(options?: HangupOptions): void;
  /**
   * Transfers the caller to `to` (a phone number or SIP URI) once queued audio has played; the bot
   * stops at once (reason `transferred`). With Call Control Telnyx transfers the call; without, the
   * stream closes so a TeXML `<Dial>` after `<Connect>` can take the caller on.
   */
  transfer(to: string, options?: TransferOptions): void;
  /** Reports a failure from work the bot started itself; ends the call with `bot_error`. */
  fail(error: unknown): void;
  /** Call recording; rejects with `CallControlError` (e.g. `CW_CALL_CONTROL_UNAVAILABLE`) when it cannot. */
  readonly record: BotRecording;
  /** Plays DTMF tones into the call (`0-9 A-D * #`, `w` 0.5 s pause, `W` 1 s); rejects with `CallControlError`. */
  sendDtmf(digits: string, options?: DtmfOptions): Promise<void>;
  /** Asks Telnyx to stop this media stream, which ends the call for the bot; rejects with `CallControlError`. */
  stopStreaming(): Promise<void>;
  /** False when the engine has no Telnyx API key: `record`, `sendDtmf` and `stopStreaming` would reject. */
  readonly callControlAvailable: boolean;
  /**
   * Records the call from now on into a stereo WAV of the engine's own (caller left, bot right; the
   * agent's `recording.dir`), complete even if the call dies abruptly; returns the file's path.
   */
  recordLocally(): string;
  /** Adds a field (under `bot`) to the call's last log line, `call ended`: a summary of what the bot did. */
  annotate(key: string, value: unknown): void;
  /** Sends the call's finished conversation to the user's app as a `transcript.ready` event (if the engine has an events URL). */
  reportTranscript(transcript: Readonly<Record<string, unknown>>): void;
  /** Shows one conversation turn as it happens (the browser softphone's transcript); the same `itemId` and `role` again replaces it. */
  reportTurn(turn: LiveTurn): void;
  /** What `prepare` made for this call before it started, if anything; the bot now owns it (dispose it if unused). */
  readonly prepared: PreparedCall | undefined;
}

/**
 * A bot's callbacks. `audio` runs on the data plane once per 20 ms and must be fast and synchronous;
 * `dtmf` and `mark` may return a promise, which must settle within the bot's response timeout.
 */
export interface BotHandlers {
  /** One frame of caller audio; the frame object is reused, copy what you keep. */
  audio?(frame: AudioFrame): void;
  /** A DTMF key the caller pressed: `0`-`9`, `*`, `#`, `A`-`D`. */
  dtmf?(digit: string): void | Promise<void>;
  /** Telnyx echoed a mark this bot sent. */
  mark?(name: string): void | Promise<void>;
  /** A recording of this call was saved (Telnyx's `call.recording.saved`); the links expire after 10 minutes. */
  recording?(recording: RecordingSaved): void | Promise<void>;
  /** The call is ending; release what the bot holds. */
  stop?(reason: EndReason): void;
}

/** A bot written as plain callbacks; {@link defineBot} turns it into actor logic. */
export interface BotDefinition<Options> {
  /** Name used in logs. */
  readonly name: string;
  /** Validates the agent's `options` from configuration; throw to refuse them. */
  readonly parseOptions?: (raw: Readonly<Record<string, unknown>>) => Options;
  /**
   * Rate the bot hears and plays, in Hz, or a rule that picks it per call; the engine resamples to
   * and from the call's codecs. Default: the call's own rate (8000 on G.711 calls, 16000 on
   * wideband L16, G.722 and Opus calls).
   */
  readonly sampleRate?: BotSampleRate | BotSampleRateRule;
  /** How long a promise returned by a handler may stay pending before the bot counts as unresponsive. */
  readonly responseTimeoutMs?: number;
  /**
   * Work to start as soon as the engine knows a call is coming (the `call.initiated` webhook, a
   * dial-out, or the stream's `connected` frame), before `start`; the result reaches `create` as
   * `context.prepared`. Anything not handed to a bot is disposed of by the engine.
   */
  readonly prepare?: (preview: CallPreview, options: Options) => PreparedCall | undefined;
  /** Called once when the call starts streaming; returns the handlers for this call. */
  create(context: BotContext<Options>): BotHandlers;
}

/**
 * Builds bot actor logic from callbacks. A handler that throws, a returned promise that rejects or
 * stays pending too long, or a `fail()` ends the call with reason `bot_error`; other calls never notice.
 *
 * @example
 * export default defineBot({
 *   name: 'beeper',
 *   create: ({ output }) => ({ dtmf: () => void output.play(beep) }),
 * });
 */
export function defineBot<Options = Readonly<Record<string, unknown>>>(definition: BotDefinition<Options>): BotLogic {
  const logic = hostBot(definition);
  if (definition.parseOptions !== undefined) withOptionsCheck(logic, definition.parseOptions);
  const { prepare, parseOptions } = definition;
  if (prepare !== undefined) {
    withCallPreparation(logic, (preview) => prepare(preview, (parseOptions?.(preview.options) ?? preview.options) as Options));
  }
  return definition.sampleRate === undefined ? logic : withSampleRate(logic, definition.sampleRate);
}

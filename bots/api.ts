import type { ActorLogic, ActorSystem, EventObject, Snapshot } from 'xstate';
import type { Observable } from 'rxjs';
import type { Clock } from '../engine/clock.js';
import type { CallId } from '../engine/ids.js';
import type { Logger } from '../engine/logger.js';
import type { StreamStart } from '../engine/telnyx/frames.js';
import type { PreparedCall } from './callPreparation.js';


/** Why a call ended. Bots see it in `stop`; logs and metrics count it. */
export type EndReason =
  | 'stream_stopped'
  | 'socket_closed'
  | 'start_timeout'
  | 'media_timeout'
  | 'bot_hangup'
  /** An AI agent's provider could not be reached or failed mid-call; the fallback played, then the call hung up. */
  | 'ai_unavailable'
  /** An AI agent's provider session reached its time limit; the agent said goodbye, then hung up. */
  | 'ai_session_limit'
  /** An `upstream` agent's bot server could not be reached or broke mid-call; the fallback played, then the call hung up. */
  | 'upstream_unavailable'
  | 'bot_finished'
  | 'bot_error'
  | 'transferred'
  /** Telnyx refused the transfer command; the call ended (on calls callwire answered or dialed, it hangs up). */
  | 'transfer_failed'
  /** Telnyx reported the call hung up (`call.hangup`) while its stream was still open. */
  | 'call_hangup'
  /** The stream did not present the agent's stream auth token; closed with 4401 before any bot started. */
  | 'stream_unauthorized'
  /** The stream kept sending frames no carrier sends (malformed, oversized, or far over the message rate); closed with 1008. */
  | 'protocol_violation'
  | 'unsupported_codec'
  | 'shutdown'
  | 'internal_error';

/** End reasons a bot may give when it hangs up: done (`bot_hangup`), or the service behind it failed. */
export type HangupReason = Extract<EndReason, 'bot_hangup' | 'ai_unavailable' | 'ai_session_limit' | 'upstream_unavailable'>;

/** What the bot knows about its call: the `start` frame plus the engine's routing. */
export interface CallInfo extends StreamStart {
  /** The engine's id for this call; it is in every log line about the call. */
  readonly callId: CallId;
  /** Organization that owns the agent (`ORG` in `serviceHost=AGENT.ORG`). */
  readonly org: string;
  /** Agent name (`AGENT` in `serviceHost=AGENT.ORG`). */
  readonly agent: string;
}

/** How a frame handed to the bot came to be. */
export type AudioFrameKind = 'speech' | 'concealed' | 'silence';

/**
 * One 20 ms frame of caller audio. The engine reuses the same object and buffer for every frame of
 * a call: copy `samples` if you keep them past the callback, and do not write into them (the jitter
 * buffer reads its last frame again when it decides what to play next).
 */
export interface AudioFrame {
  /** PCM16 mono samples; only `samples[0, sampleCount)` is valid. */
  readonly samples: Int16Array;
  /** Valid samples in this frame. */
  readonly sampleCount: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Whether this is real audio, a concealed loss, or silence. */
  readonly kind: AudioFrameKind;
  /** Telnyx `sequence_number` of the frame, or -1 when it had none. */
  readonly sequenceNumber: number;
}

/** What a barge-in `clear` cut, so a bot knows what the caller did not hear. */
export interface ClearedAudio {
  /** Samples (at the output's rate) still queued in callwire, never sent. */
  readonly unsentSamples: number;
  /**
   * Samples already sent to Telnyx but not yet played when `clear` went out. An estimate from the
   * pacing clock: Telnyx reports playback only through mark echoes.
   */
  readonly unplayedSamples: number;
  /** Marks whose audio will not be heard, in order: those still queued and those sent but not echoed yet. */
  readonly cutMarks: readonly string[];
}

/**
 * The bot's way to talk: audio and marks go straight to the call's paced outbound queue, outside
 * any actor mailbox.
 */
export interface BotOutput {
  /** Sample rate `play` expects, in Hz. */
  readonly sampleRate: number;
  /**
   * Queues PCM16 audio of any length (copied, so the caller may reuse its buffer). Returns the
   * samples accepted, fewer than given only when the call's outbound queue is full.
   */
  play(pcm: Int16Array, offset?: number, count?: number): number;
  /** Queues a mark after the audio queued so far; the bot gets `{ type: 'mark' }` when Telnyx echoes it. */
  mark(name: string): void;
  /** Drops queued audio and marks (barge-in), tells Telnyx to stop playback, and says what was cut. */
  clear(): ClearedAudio;
  /** Samples queued and not yet sent. */
  readonly queuedSamples: number;
  /**
   * Holds each talk spurt until this much audio is queued (default 40 ms). A bot that delays what
   * it hears on purpose (an echo) can hand callwire the delay this way and write each frame at once:
   * the audio then waits at Telnyx, several frames per message, instead of in the bot.
   */
  setPrebufferMs(ms: number): void;
}

/** Links to a saved recording (Telnyx's `call.recording.saved`); Telnyx keeps `urls` valid for 10 minutes. */
export interface RecordingSaved {
  readonly recordingId: string | undefined;
  /** Download links by format, e.g. `{ mp3: 'https://…' }`. */
  readonly urls: Readonly<Record<string, string>>;
  /** Public links, when the account has them. */
  readonly publicUrls: Readonly<Record<string, string>>;
  readonly channels: string | undefined;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
}

/** How to record a call (Telnyx `record_start`). */
export interface RecordingOptions {
  /** Default `mp3`. */
  readonly format?: 'mp3' | 'wav';
  /** `single` mixes both sides (default); `dual` puts each side on its own channel. */
  readonly channels?: 'single' | 'dual';
  readonly playBeep?: boolean;
  /** Longest recording, in seconds (Telnyx allows up to 14400). */
  readonly maxLengthSecs?: number;
  /** Which side to record; default both. */
  readonly track?: 'both' | 'inbound' | 'outbound';
}

/** Options of {@link CallControls.sendDtmf}. */
export interface DtmfOptions {
  /** Length of each tone, 100 to 500 ms (Telnyx's default 250). */
  readonly durationMs?: number;
}

/**
 * Telnyx Call Control requests a bot makes on its own call. They run outside every actor mailbox and
 * never touch the audio. Each promise rejects with a `CallControlError` (`code`, `retryable`), for
 * example `CW_CALL_CONTROL_UNAVAILABLE` when the engine has no Telnyx API key: audio keeps working.
 */
export interface CallControls {
  /** False when the engine has no Telnyx API key, so every request would reject. */
  readonly available: boolean;
  /** Starts recording the call; the bot's `recording` handler gets the links once it is saved. */
  startRecording(options?: RecordingOptions): Promise<void>;
  /** Stops the recording. */
  stopRecording(): Promise<void>;
  /** Plays DTMF tones into the call: `0-9 A-D * #`, `w` waits 0.5 s, `W` 1 s. */
  sendDtmf(digits: string, options?: DtmfOptions): Promise<void>;
  /**
   * Asks Telnyx to stop this media stream; the call then ends with `stream_stopped`. On calls callwire
   * answered or dialed itself, the engine then hangs up; on TeXML calls, the verbs after `<Connect>` run.
   */
  stopStreaming(): Promise<void>;
}

/** Control events the engine sends a bot, through its mailbox. */
export type BotEvent =
  | { readonly type: 'dtmf'; readonly digit: string }
  | { readonly type: 'mark'; readonly name: string }
  | { readonly type: 'recording'; readonly recording: RecordingSaved };

/** Requests a bot sends its parent call (`sendBack` in callback logic, `sendParent` in a machine). */
export type BotRequest =
  | { readonly type: 'bot.hangup'; readonly reason?: HangupReason | undefined }
  /** `from`: caller id shown to the transfer target (Telnyx's default when omitted). */
  | { readonly type: 'bot.transfer'; readonly to: string; readonly from?: string | undefined }
  | { readonly type: 'bot.error'; readonly error: unknown };

/** One turn of a conversation as it happens: a later turn with the same `itemId` and `role` replaces it (an interruption cuts it). */
export interface LiveTurn {
  readonly role: 'user' | 'assistant';
  readonly itemId: string;
  readonly text: string;
  /** Milliseconds since the call started. */
  readonly offsetMs: number;
  readonly interrupted?: true;
}

/** What every bot actor is started with. */
export interface BotInput {
  readonly call: CallInfo;
  /** Caller audio, one frame per 20 ms; subscribe in the bot, outside the mailbox. */
  readonly audio: Observable<AudioFrame>;
  readonly output: BotOutput;
  readonly clock: Clock;
  /** A child logger bound to the call. */
  readonly log: Logger;
  /** The agent's `options` from configuration. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Adds a field (under `bot`) to the call's last log line, `call ended`; absent in bare test harnesses. */
  readonly annotate?: ((key: string, value: unknown) => void) | undefined;
  /** Hands the call's finished conversation to the engine, which sends it to the app as `transcript.ready`; absent in bare test harnesses. */
  readonly reportTranscript?: ((transcript: Readonly<Record<string, unknown>>) => void) | undefined;
  /** Shows one conversation turn live (the browser softphone's transcript); absent in bare test harnesses. */
  readonly reportTurn?: ((turn: LiveTurn) => void) | undefined;
  /** What the bot's call preparation made before `start` (see `withCallPreparation`); the bot owns it now. */
  readonly prepared?: PreparedCall | undefined;
  /** Why the call is ending; defined once the call leaves `streaming`. */
  readonly endReason: () => EndReason | undefined;
  /** Call Control requests on this call (recording, DTMF, stopping the stream). */
  readonly callControl: CallControls;
  /** Starts the engine's own stereo WAV recording (caller left, bot right) and returns its path. */
  readonly recordLocally: () => string;
}

/**
 * A bot: any XState actor logic that takes {@link BotInput} and accepts {@link BotEvent}s. Use
 * `defineBot()` for the common case; write a machine for anything richer.
 */
export type BotLogic = ActorLogic<Snapshot<unknown>, BotEvent, BotInput, ActorSystem<any>, EventObject>;

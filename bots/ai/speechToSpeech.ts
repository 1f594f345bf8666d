/**
 * The one interface every speech-to-speech provider implements for callwire: a session that takes
 * the caller's audio and gives back the assistant's, with the turn-taking, transcript and tool
 * events the AI agent bot needs. Adapters translate a provider's protocol into these events; they
 * never touch the call.
 */

/** Audio on the wire between callwire and a provider. */
export type SpeechAudioFormat =
  | { readonly encoding: 'pcmu'; readonly sampleRate: 8000 }
  | { readonly encoding: 'pcma'; readonly sampleRate: 8000 }
  | { readonly encoding: 'pcm16'; readonly sampleRate: number };

/** Turn detection the provider runs on the caller's audio. */
export type TurnDetection =
  | {
      readonly type: 'server_vad';
      readonly threshold?: number | undefined;
      readonly prefixPaddingMs?: number | undefined;
      readonly silenceDurationMs?: number | undefined;
    }
  | { readonly type: 'semantic_vad'; readonly eagerness?: 'low' | 'medium' | 'high' | 'auto' | undefined };

/** A function the model may call, described as JSON Schema. */
export interface SpeechTool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** What a session is opened with. */
export interface SpeechSessionConfig {
  readonly model: string;
  readonly instructions: string;
  readonly voice?: string | undefined;
  readonly temperature?: number | undefined;
  readonly turnDetection?: TurnDetection | undefined;
  /** Whether caller speech may cut the assistant off (the provider's own barge-in). */
  readonly interruptResponse: boolean;
  readonly tools: readonly SpeechTool[];
  readonly inputFormat: SpeechAudioFormat;
  readonly outputFormat: SpeechAudioFormat;
}

/** Token counts a provider reported for one response. */
export interface SpeechUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Why a provider session failed, as callwire counts it. */
export type SpeechErrorCode =
  | 'unauthorized'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'connect_failed'
  | 'session_expired'
  | 'protocol'
  | 'provider_error';

/** Everything a session reports, in the order the provider sent it. */
export type SpeechEvent =
  /** The session is open and configured; audio may flow. */
  | { readonly type: 'ready' }
  /** Assistant audio of `itemId`, in the output format; `audio` is only valid during the call. */
  | { readonly type: 'audio'; readonly itemId: string; readonly audio: Uint8Array }
  /** The provider heard the caller start speaking (its barge-in cue). */
  | { readonly type: 'speech-started' }
  | { readonly type: 'speech-stopped' }
  | { readonly type: 'response-started'; readonly responseId: string }
  | {
      readonly type: 'response-done';
      readonly responseId: string;
      /** `completed`, `cancelled`, `incomplete` or `failed`. */
      readonly status: string;
      readonly usage: SpeechUsage | undefined;
    }
  /** A finished transcript of one side's turn. */
  | { readonly type: 'transcript'; readonly role: 'user' | 'assistant'; readonly itemId: string; readonly text: string }
  | { readonly type: 'tool-call'; readonly callId: string; readonly name: string; readonly arguments: string }
  /** The provider confirmed a truncation. */
  | { readonly type: 'truncated'; readonly itemId: string; readonly audioEndMs: number }
  /** A failure; `fatal` ones end the session. */
  | { readonly type: 'error'; readonly code: SpeechErrorCode; readonly message: string; readonly fatal: boolean }
  /** The session ended; no event follows. */
  | { readonly type: 'closed'; readonly reason: string };

/** Receives a session's events. */
export type SpeechListener = (event: SpeechEvent) => void;

/** One open conversation with a provider. */
export interface SpeechSession {
  /** Caller audio in the input format; the session copies or sends it before returning. */
  sendAudio(audio: Uint8Array): void;
  /** Asks the model to speak now, optionally with instructions for this one response (a greeting). */
  respond(instructions?: string): void;
  /** Tells the model the caller heard only the first `audioEndMs` of item `itemId`. */
  truncate(itemId: string, audioEndMs: number): void;
  /** Hands a tool call's result back and lets the model go on. */
  sendToolResult(callId: string, output: string): void;
  /** Replaces the system instructions (the call's from/to became known after the session opened). */
  updateInstructions(instructions: string): void;
  /** Changes whether caller speech may cut the assistant off from now on. */
  setInterruptible(interruptible: boolean): void;
  /** Ends the session; a `closed` event follows. */
  close(): void;
}

/** A provider: opens sessions. */
export interface SpeechToSpeechAdapter {
  /** Name in logs and metrics, e.g. `openai`. */
  readonly provider: string;
  /** The wire format for a bot running at `botSampleRate` on a call carrying `callEncoding`. @throws RangeError for a rate it cannot serve. */
  formatFor(botSampleRate: number, callEncoding: string): SpeechAudioFormat;
  /** How long the provider lets one session last, if it limits it and cannot resume; the agent says goodbye before. */
  readonly sessionLimitMs?: number | undefined;
  /** Opens a session; its events, including failures to connect, go to `listener`. */
  open(config: SpeechSessionConfig, listener: SpeechListener): SpeechSession;
}

import type { FakeGeminiSession } from '../fakes/fakeGeminiLive.js';
import type { FakeRealtimeSession } from '../fakes/fakeOpenAIRealtime.js';

/** What the bench reads of a fake model's session, whichever provider it imitates. */
export interface ModelSide {
  /** Times the model heard the caller start to speak. */
  speechStarts(): number;
  /** `performance.now()` when the model sent the first audio of answer `index` (from 0), if it has. */
  answerSentAt(index: number): number | undefined;
  /** When the model told callwire the caller cut answer `index` off: its barge-in cue. */
  bargeInCueAt(index: number): number | undefined;
  /** The `audio_end_ms` callwire sent for the `index`th truncation, if the provider takes them and it came. */
  truncation(index: number): number | undefined;
  /** Whether the provider is told where the caller stopped hearing (OpenAI: truncate). */
  readonly truncates: boolean;
}

/** The OpenAI Realtime fake: the cue is `speech_started`, and callwire truncates. */
export function openaiSide(session: FakeRealtimeSession): ModelSide {
  return {
    speechStarts: () => session.speechStartedAt.length,
    answerSentAt: (index) => [...session.firstAudioSentAt.values()][index],
    // Speech start 0 began the first question; speech start k+1 cut answer k off.
    bargeInCueAt: (index) => session.speechStartedAt[index + 1],
    truncation: (index) => session.truncations[index]?.audioEndMs,
    truncates: true,
  };
}

/** The Gemini Live fake: the cue is `interrupted`; Gemini keeps its own context, nothing is truncated. */
export function geminiSide(session: FakeGeminiSession): ModelSide {
  return {
    speechStarts: () => session.speechStartedAt.length,
    answerSentAt: (index) => session.firstAudioSentAt[index],
    bargeInCueAt: (index) => session.interruptedAt[index],
    truncation: () => undefined,
    truncates: false,
  };
}

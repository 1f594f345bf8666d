import type { SpeechErrorCode } from './speechToSpeech.js';

/** AI provider sessions that failed in this process, by `provider code`; `/metrics` reads them. */
const failures = new Map<string, { readonly provider: string; readonly code: SpeechErrorCode; count: number }>();

/** Counts one failed provider session. */
export function countAiFailure(provider: string, code: SpeechErrorCode): void {
  const key = `${provider} ${code}`;
  const entry = failures.get(key);
  if (entry === undefined) failures.set(key, { provider, code, count: 1 });
  else entry.count++;
}

/** Every provider and code that failed so far, with counts. */
export function aiFailureCounts(): Iterable<{ readonly provider: string; readonly code: SpeechErrorCode; readonly count: number }> {
  return failures.values();
}

/** Totals of ended AI conversations in this process, by provider; `/metrics` reads them. */
const conversations = new Map<string, { userTurns: number; assistantTurns: number; interruptions: number; inputTokens: number; outputTokens: number }>();

/** Adds an ended conversation's summary to its provider's totals. */
export function countAiConversation(provider: string, summary: { readonly userTurns: number; readonly assistantTurns: number; readonly interruptions: number; readonly inputTokens: number; readonly outputTokens: number }): void {
  let totals = conversations.get(provider);
  if (totals === undefined) {
    totals = { userTurns: 0, assistantTurns: 0, interruptions: 0, inputTokens: 0, outputTokens: 0 };
    conversations.set(provider, totals);
  }
  totals.userTurns += summary.userTurns;
  totals.assistantTurns += summary.assistantTurns;
  totals.interruptions += summary.interruptions;
  totals.inputTokens += summary.inputTokens;
  totals.outputTokens += summary.outputTokens;
}

/** Conversation totals by provider. */
export function aiConversationTotals(): Iterable<[string, { readonly userTurns: number; readonly assistantTurns: number; readonly interruptions: number; readonly inputTokens: number; readonly outputTokens: number }]> {
  return conversations.entries();
}

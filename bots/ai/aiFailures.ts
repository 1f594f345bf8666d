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
